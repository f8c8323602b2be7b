#include "cmm/error.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace cmm {

caf::atom_value error_category() {
  return caf::atom("cmm");
}

caf::error make_error(errc code, std::string message) {
  return caf::error{static_cast<uint8_t>(code), error_category(),
                    caf::make_message(std::move(message))};
}

caf::error make_error(const failure& x) {
  return make_error(x.code, x.message);
}

namespace {

std::string context_text(const caf::message& context) {
  if (context.size() == 1 && context.match_element<std::string>(0))
    return context.get_as<std::string>(0);
  return context.empty() ? std::string{} : to_string(context);
}

} // namespace

failure to_failure(const caf::error& err) {
  if (!err)
    return {};
  if (err.category() == error_category()) {
    if (auto known = errc_from_code(err.code()))
      return {*known, context_text(err.context())};
    return {
        errc::manager_unavailable,
        "an error with unknown code " + std::to_string(err.code()) +
            " (a peer of another version?): " + context_text(err.context())};
  }
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    if (code == caf::sec::request_timeout)
      return {errc::timeout, "the model manager did not answer in time"};
    if (code == caf::sec::unexpected_message)
      return {errc::not_permitted,
              "this endpoint does not take that request: operator verbs go "
              "to the node's operator endpoint, and internal messages are "
              "taken from nobody"};
    if (code == caf::sec::request_receiver_down)
      return {errc::manager_unavailable,
              "the actor serving this request is gone (" + to_string(err) +
                  ")"};
  }
  return {errc::manager_unavailable, to_string(err)};
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  auto known = errc_from_code(code);
  if (!known)
    return "unknown error code " + std::to_string(code) + ": " +
           context_text(context);
  return to_string(failure{*known, context_text(context)});
}

} // namespace cmm
