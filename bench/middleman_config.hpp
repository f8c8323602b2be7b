#pragma once

// An actor system config for the scenarios that talk over loopback: the
// project's types, CAF's middleman, and as many workers as the main system.

#include <caf/io/middleman.hpp>

#include "cmm/config.hpp"

namespace cmm::bench {

class middleman_config : public manager_system_config {
public:
  explicit middleman_config(size_t workers) {
    load<caf::io::middleman>();
    set("scheduler.max-threads", workers);
  }
};

} // namespace cmm::bench
