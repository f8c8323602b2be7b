#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace cmm::bench {

/// Acquire + release of a warm model: from an actor, from the blocking
/// client, against a bare CAF request/response round trip.
void run_hit(caf::actor_system& sys, size_t iterations);

/// Cold acquire of a generated TorchScript model of `megabytes` MB through
/// the manager, against a bare `torch::jit::load` of the same file.
void run_miss(caf::actor_system& sys, const std::string& dir, double megabytes,
              int repetitions);

/// Seconds a bare `torch::jit::load` of `path` to the CPU takes.
double bare_load_seconds(const std::string& path);

} // namespace cmm::bench
