#include "model_view.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "text_table.hpp"

namespace cmm::ctl {

namespace {

/// Where the model is now, or its target while it is not resident.
const std::string& where(const model_info& x) {
  return x.location.empty() ? x.device : x.location;
}

} // namespace

std::string megabytes(uint64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / 1e6);
}

nlohmann::ordered_json model_json(const model_info& x) {
  return {{"name", x.name},
          {"id", x.id},
          {"path", x.path},
          {"type", x.type},
          {"device", x.device},
          {"location", x.location},
          {"dtype", x.dtype},
          {"state", x.state},
          {"refs", x.refs},
          {"idle_seconds", x.idle_seconds},
          {"bytes", x.bytes},
          {"load_seconds", x.load_seconds},
          {"warmup_seconds", x.warmup_seconds},
          {"load_count", x.load_count},
          {"variant", x.variant},
          {"pinned", x.pinned},
          {"last_error", x.last_error},
          {"cast_note", x.cast_note},
          {"rss_growth_bytes", x.rss_growth_bytes},
          {"batching", x.batching},
          {"batches", x.batches},
          {"batched_requests", x.batched_requests}};
}

nlohmann::ordered_json models_json(const std::vector<model_info>& rows) {
  auto out = nlohmann::ordered_json::array();
  for (auto& row : rows)
    out.push_back(model_json(row));
  return out;
}

std::string model_table(const std::vector<model_info>& rows, bool wide) {
  if (rows.empty())
    return "(no models)\n";
  using align = text_table::align;
  std::vector<text_table::column> cols{{"name"},
                                       {"state"},
                                       {"refs", align::right},
                                       {"idle s", align::right},
                                       {"MB", align::right},
                                       {"device"}};
  if (wide) {
    cols.push_back({"dtype"});
    cols.push_back({"loads", align::right});
    cols.push_back({"last error"});
  }
  text_table table{std::move(cols)};
  for (auto& x : rows) {
    std::vector<std::string> cells{x.name,
                                   x.state,
                                   std::to_string(x.refs),
                                   fmt::format("{:.1f}", x.idle_seconds),
                                   megabytes(x.bytes),
                                   where(x)};
    if (wide) {
      cells.push_back(x.dtype);
      cells.push_back(std::to_string(x.load_count));
      cells.push_back(x.last_error.empty() ? "-" : x.last_error);
    }
    table.add_row(std::move(cells));
  }
  return table.render();
}

std::string model_details(const model_info& x) {
  std::string out;
  auto line = [&out](const char* key, const std::string& value) {
    out += fmt::format("{:<15} {}\n", std::string{key} + ":",
                       value.empty() ? "-" : value);
  };
  line("name", x.name);
  line("id", x.id);
  line("path", x.path);
  line("type", x.type);
  line("state", x.state);
  line("refs", std::to_string(x.refs));
  line("device", x.device);
  line("location", x.location);
  line("dtype", x.dtype);
  line("MB", megabytes(x.bytes));
  line("idle s", fmt::format("{:.1f}", x.idle_seconds));
  line("load s", fmt::format("{:.3f}", x.load_seconds));
  line("warmup s", fmt::format("{:.3f}", x.warmup_seconds));
  line("loads", std::to_string(x.load_count));
  line("variant", x.variant);
  line("pinned", x.pinned ? "yes" : "no");
  line("last error", x.last_error);
  if (!x.cast_note.empty())
    line("cast", x.cast_note);
  if (x.rss_growth_bytes > 0)
    line("RSS growth MB", megabytes(x.rss_growth_bytes) +
                              " (loading it grew the process by that much)");
  if (!x.batching.empty())
    line("batching",
         fmt::format("{} ({} batches, mean {:.1f} requests)", x.batching,
                     x.batches,
                     x.batches == 0 ? 0.0
                                    : static_cast<double>(x.batched_requests) /
                                          static_cast<double>(x.batches)));
  return out;
}

} // namespace cmm::ctl
