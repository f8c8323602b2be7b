#pragma once

// The client steps the scenarios time against the manager: one request
// pattern each, the same wherever it is measured.

#include <functional>

#include "actor_clients.hpp"
#include "cmm/actor_types.hpp"

namespace cmm::bench {

/// Acquires `spec` (the client actor is the holder), then releases the
/// lease; done when the release is answered.
actor_step acquire_release_step(client_actor sup, model_spec spec);

/// Like `acquire_release_step`, asking `next_spec()` for each step's spec.
actor_step acquire_release_step(client_actor sup,
                                std::function<model_spec()> next_spec);

/// Acquires `spec` and gives the lease back one way (`give_back`): one
/// round trip per step.
actor_step acquire_give_back_step(client_actor sup, model_spec spec);

/// Acquire, infer and release as one request (`run`): the model actor
/// answers.
actor_step run_step(client_actor sup, model_spec spec,
                    std::vector<tensor> inputs);

/// Runs `inputs` on a leased model.
actor_step infer_step(inference_actor model, std::vector<tensor> inputs);

} // namespace cmm::bench
