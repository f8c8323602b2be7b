#include "device_view.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "model_view.hpp"
#include "text_table.hpp"

namespace cmm::ctl {

namespace {

bool unlimited(const device_budget& x) {
  return x.capacity == UINT64_MAX;
}

/// `bytes`, or null for a device without a limit.
nlohmann::ordered_json limited_bytes(const device_budget& x, uint64_t bytes) {
  if (unlimited(x))
    return nullptr;
  return bytes;
}

} // namespace

nlohmann::ordered_json devices_json(const std::vector<device_budget>& rows) {
  auto out = nlohmann::ordered_json::array();
  for (auto& x : rows)
    out.push_back({{"device", x.device},
                   {"capacity", limited_bytes(x, x.capacity)},
                   {"used", x.used},
                   {"reserved", x.reserved},
                   {"releasing", x.releasing},
                   {"free", limited_bytes(x, x.free_bytes())},
                   {"resident", x.resident}});
  return out;
}

std::string device_table(const std::vector<device_budget>& rows) {
  if (rows.empty())
    return "(no devices in use)\n";
  using align = text_table::align;
  text_table table{{{"device"},
                    {"capacity MB", align::right},
                    {"used MB", align::right},
                    {"reserved MB", align::right},
                    {"releasing MB", align::right},
                    {"free MB", align::right},
                    {"models", align::right}}};
  for (auto& x : rows)
    table.add_row({x.device, unlimited(x) ? "unlimited" : megabytes(x.capacity),
                   megabytes(x.used), megabytes(x.reserved),
                   megabytes(x.releasing),
                   unlimited(x) ? "unlimited" : megabytes(x.free_bytes()),
                   std::to_string(x.resident)});
  return table.render();
}

} // namespace cmm::ctl
