#pragma once

// Gates: what a node puts in front of its supervisor (or cluster router)
// for other processes. A gate answers exactly one interface and forwards
// each request unchanged, original sender included (CAF delegation), so the
// supervisor still sees who asked. Any other message, an operator verb sent
// to a client gate or an internal timer sent to any gate, is answered with
// `unexpected_message` (`not_permitted` once unwrapped) and goes no further.

#include <caf/fwd.hpp>

#include "cmm/actor_types.hpp"

namespace cmm {

/// Behaviour of a client gate in front of `target`; for spawning it linked
/// to its target.
client_actor::behavior_type client_gate(client_actor::pointer self,
                                        client_actor target);

/// Spawns a gate that forwards the client interface to `target`.
client_actor spawn_client_gate(caf::actor_system& sys, client_actor target);

/// Spawns a gate that forwards the operator interface (the client's
/// included) to `target`.
operator_actor spawn_operator_gate(caf::actor_system& sys,
                                   operator_actor target);

} // namespace cmm
