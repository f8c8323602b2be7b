#include "cmm/entry_state.hpp"

#include <string>

namespace cmm {

const char* to_string(entry_state x) {
  switch (x) {
  case entry_state::absent:
    return "absent";
  case entry_state::sizing:
    return "sizing";
  case entry_state::waiting:
    return "waiting";
  case entry_state::loading:
    return "loading";
  case entry_state::ready:
    return "ready";
  case entry_state::unloading:
    return "unloading";
  case entry_state::failed:
    return "failed";
  }
  return "?";
}

bool is_legal_transition(entry_state from, entry_state to) {
  using s = entry_state;
  switch (from) {
  case s::absent:
    return to == s::sizing;
  case s::sizing:
    return to == s::loading || to == s::waiting || to == s::absent;
  case s::waiting:
    return to == s::loading || to == s::absent;
  case s::loading:
    return to == s::ready || to == s::failed || to == s::waiting ||
           to == s::absent;
  case s::ready:
    return to == s::unloading;
  case s::unloading:
    return to == s::absent;
  case s::failed:
    return to == s::sizing || to == s::absent;
  }
  return false;
}

std::optional<failure> check_transition(entry_state from, entry_state to) {
  if (is_legal_transition(from, to))
    return std::nullopt;
  return failure{errc::illegal_transition,
                 std::string{"illegal state transition "} + to_string(from) +
                     " -> " + to_string(to)};
}

} // namespace cmm
