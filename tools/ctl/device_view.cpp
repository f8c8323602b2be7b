#include "device_view.hpp"

#include <cstdint>

#include "model_view.hpp"
#include "text_table.hpp"

namespace cmm::ctl {

namespace {

bool unlimited(const device_budget& x) {
  return x.capacity == UINT64_MAX;
}

} // namespace

void write_devices(json_writer& out, const std::vector<device_budget>& rows) {
  out.begin_object().key("devices").begin_array();
  for (auto& x : rows) {
    out.begin_object().field("device", x.device).key("capacity");
    if (unlimited(x))
      out.null();
    else
      out.value(x.capacity);
    out.field("used", x.used)
        .field("reserved", x.reserved)
        .field("releasing", x.releasing)
        .key("free");
    if (unlimited(x))
      out.null();
    else
      out.value(x.free_bytes());
    out.field("resident", x.resident).end_object();
  }
  out.end_array().end_object();
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
