#include "cmm/errc.hpp"

namespace cmm {

const char* to_string(errc x) {
  switch (x) {
  case errc::none:
    return "none";
  case errc::unknown_type:
    return "unknown_type";
  case errc::invalid_device:
    return "invalid_device";
  case errc::device_unavailable:
    return "device_unavailable";
  case errc::invalid_dtype:
    return "invalid_dtype";
  case errc::invalid_spec:
    return "invalid_spec";
  case errc::unknown_model:
    return "unknown_model";
  case errc::model_not_found:
    return "model_not_found";
  case errc::invalid_model_file:
    return "invalid_model_file";
  case errc::out_of_memory:
    return "out_of_memory";
  case errc::load_failed:
    return "load_failed";
  case errc::unknown_lease:
    return "unknown_lease";
  case errc::model_unloaded:
    return "model_unloaded";
  case errc::bad_input:
    return "bad_input";
  case errc::inference_failed:
    return "inference_failed";
  case errc::placement_conflict:
    return "placement_conflict";
  case errc::not_permitted:
    return "not_permitted";
  case errc::shutting_down:
    return "shutting_down";
  case errc::timeout:
    return "timeout";
  case errc::manager_unavailable:
    return "manager_unavailable";
  case errc::insufficient_memory:
    return "insufficient_memory";
  case errc::illegal_transition:
    return "illegal_transition";
  case errc::accounting_error:
    return "accounting_error";
  case errc::load_timeout:
    return "load_timeout";
  case errc::holder_gone:
    return "holder_gone";
  }
  return "unknown_error";
}

std::optional<errc> errc_from_code(uint8_t code) {
  if (code == 0 || code > static_cast<uint8_t>(errc::holder_gone))
    return std::nullopt;
  return static_cast<errc>(code);
}

} // namespace cmm
