#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "cmm/actor_types.hpp"
#include "demo_models.hpp"

namespace cmm::demo {

/// What one client saw. Only the client writes it; main reads it once the
/// client is down.
struct client_report {
  size_t rounds_ok = 0;
  std::vector<std::string> errors;
  /// Per catalog id: the model actors this client's leases pointed to.
  std::map<std::string, std::set<caf::actor_addr>> instances;
  /// Per catalog id: successful inferences.
  std::map<std::string, size_t> inferences;
  /// Per catalog id: the last inference's input and output, e.g.
  /// `int64[1,8] -> fp32[1,8,256]`.
  std::map<std::string, std::string> signatures;
};

/// How long a client keeps each lease after its inference, drawn uniformly.
constexpr std::chrono::milliseconds min_hold{20};
constexpr std::chrono::milliseconds max_hold{120};

/// What one client does: `rounds` times, acquire a random model by catalog
/// id, run one inference, keep the lease a moment as a real user would, and
/// release it. Every request carries `timeout`.
struct client_plan {
  supervisor_actor supervisor;
  std::vector<demo_model> models;
  size_t rounds = 1;
  uint32_t seed = 1;
  caf::timespan timeout;
  std::shared_ptr<client_report> report;
};

/// Spawns an event-based client actor that quits after its last round.
caf::actor spawn_client(caf::actor_system& sys, client_plan plan);

} // namespace cmm::demo
