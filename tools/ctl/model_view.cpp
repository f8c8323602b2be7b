#include "model_view.hpp"

#include <fmt/format.h>

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

void write_model(json_writer& out, const model_info& x) {
  out.begin_object()
      .field("name", x.name)
      .field("id", x.id)
      .field("path", x.path)
      .field("type", x.type)
      .field("device", x.device)
      .field("location", x.location)
      .field("dtype", x.dtype)
      .field("state", x.state)
      .field("refs", x.refs)
      .field("idle_seconds", x.idle_seconds)
      .field("bytes", x.bytes)
      .field("load_seconds", x.load_seconds)
      .field("warmup_seconds", x.warmup_seconds)
      .field("load_count", x.load_count)
      .field("variant", x.variant)
      .field("pinned", x.pinned)
      .field("last_error", x.last_error)
      .field("cast_note", x.cast_note)
      .field("rss_growth_bytes", x.rss_growth_bytes)
      .end_object();
}

void write_models(json_writer& out, const std::vector<model_info>& rows) {
  out.begin_object().key("models").begin_array();
  for (auto& row : rows)
    write_model(out, row);
  out.end_array().end_object();
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
  return out;
}

} // namespace cmm::ctl
