#pragma once

// An actor answering every `caf::ok_atom` request at once: the far end of
// the floors (a bare request/response round trip), in process and in
// `cmm-bench-echo`.

#include <caf/event_based_actor.hpp>

namespace cmm::bench {

class echo_actor : public caf::event_based_actor {
public:
  using caf::event_based_actor::event_based_actor;

  caf::behavior make_behavior() override {
    return {[](caf::ok_atom x) { return x; }};
  }
};

} // namespace cmm::bench
