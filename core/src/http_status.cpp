#include "cmm/http_status.hpp"

#include "cmm/failure_record.hpp"

namespace cmm {

int http_status_of(errc code) {
  switch (code) {
  case errc::bad_input:
  case errc::invalid_spec:
  case errc::invalid_dtype:
  case errc::unknown_type:
  case errc::invalid_device:
  case errc::placement_conflict:
    return 400;
  case errc::not_permitted:
    return 403;
  case errc::holder_gone:
    return 409;
  case errc::unknown_model:
  case errc::unknown_lease:
    return 404;
  case errc::shutting_down:
  case errc::insufficient_memory:
  case errc::out_of_memory:
  case errc::model_unloaded:
  case errc::timeout:
  case errc::load_timeout:
  case errc::manager_unavailable:
  case errc::device_unavailable:
  case errc::load_failed:
  case errc::invalid_model_file:
  case errc::model_not_found:
    return 503;
  case errc::none:
  case errc::inference_failed:
  case errc::illegal_transition:
  case errc::accounting_error:
    return 500;
  }
  return 500;
}

std::optional<std::chrono::seconds> retry_after_of(const failure& x) {
  return retry_after_in(x.message);
}

} // namespace cmm
