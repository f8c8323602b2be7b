#pragma once

// The one header with the project's CAF types: atoms, the typed actor
// interfaces, the message types with their `inspect` overloads, and their
// type IDs. Everything that crosses an actor boundary is declared here.

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/actor.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/timespan.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "cmm/device_budget.hpp"
#include "cmm/lease_token.hpp"
#include "cmm/model_entry.hpp"
#include "cmm/model_spec.hpp"
#include "cmm/tensor.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(cmm, caf::first_custom_type_id)

CAF_ADD_ATOM(cmm, cmm, acquire_atom, "acquire")
CAF_ADD_ATOM(cmm, cmm, release_atom, "release")
CAF_ADD_ATOM(cmm, cmm, unload_atom, "unload")
CAF_ADD_ATOM(cmm, cmm, unload_all_atom, "unloadall")
CAF_ADD_ATOM(cmm, cmm, cleanup_atom, "cleanup")
CAF_ADD_ATOM(cmm, cmm, is_loaded_atom, "isloaded")
CAF_ADD_ATOM(cmm, cmm, list_atom, "list")
CAF_ADD_ATOM(cmm, cmm, info_atom, "info")
CAF_ADD_ATOM(cmm, cmm, reset_atom, "reset")
CAF_ADD_ATOM(cmm, cmm, infer_atom, "infer")
CAF_ADD_ATOM(cmm, cmm, load_atom, "load")
CAF_ADD_ATOM(cmm, cmm, free_atom, "free")
CAF_ADD_ATOM(cmm, cmm, idle_atom, "idle")
CAF_ADD_ATOM(cmm, cmm, move_atom, "move")
CAF_ADD_ATOM(cmm, cmm, preload_atom, "preload")
CAF_ADD_ATOM(cmm, cmm, devices_atom, "devices")
CAF_ADD_ATOM(cmm, cmm, deadline_atom, "deadline")
CAF_ADD_ATOM(cmm, cmm, drain_atom, "drain")
CAF_ADD_ATOM(cmm, cmm, place_atom, "place")
CAF_ADD_ATOM(cmm, cmm, peers_atom, "peers")
CAF_ADD_ATOM(cmm, cmm, hello_atom, "hello")
CAF_ADD_ATOM(cmm, cmm, report_atom, "report")
CAF_ADD_ATOM(cmm, cmm, retry_atom, "retry")
CAF_ADD_ATOM(cmm, cmm, give_back_atom, "giveback")
CAF_ADD_ATOM(cmm, cmm, run_atom, "run")
CAF_ADD_ATOM(cmm, cmm, done_atom, "done")
CAF_ADD_ATOM(cmm, cmm, flush_atom, "flush")

namespace cmm {

/// What a model actor reports after a successful load.
struct load_report {
  uint64_t bytes = 0;
  std::string precision;
  caf::timespan load_time{0};
  caf::timespan warmup_time{0};
  /// Why the model runs in another precision than asked; empty if it does
  /// not.
  std::string cast_note;
  /// The process's resident-set growth over the load, when measured (cpu,
  /// nothing else loading); 0 otherwise.
  uint64_t rss_growth = 0;
  /// Tensors its `forward` takes and returns; 0 where unknown.
  uint32_t inputs = 0;
  uint32_t outputs = 0;
};

struct lease;

/// What a lease holder may ask of a model: inference.
using inference_actor = caf::typed_actor<caf::replies_to<
    infer_atom, std::vector<tensor>>::with<std::vector<tensor>>>;

/// One loaded model: loads it through the backend on request, serves
/// inference, and frees it on `free_atom` (answering the bytes freed). After
/// that it answers inference with `model_unloaded` until the supervisor lets
/// it go. `move_atom` moves it to another device (tier demotion) and answers
/// its bytes there. Load, move and free come from the supervisor that spawned
/// it and from nobody else (`not_permitted`). `run` is an inference the
/// supervisor delegated under lease (id, token): answered to the original
/// caller, then the lease goes back to the supervisor with `done`. `flush`
/// is its own batching timer. Blocking work happens only here, so production
/// spawns it detached.
using model_actor = inference_actor::extend<
    caf::replies_to<load_atom>::with<load_report>,
    caf::replies_to<move_atom, std::string>::with<uint64_t>,
    caf::replies_to<free_atom>::with<uint64_t>,
    caf::replies_to<run_atom, uint64_t, lease_token,
                    std::vector<tensor>>::with<std::vector<tensor>>,
    caf::reacts_to<flush_atom>>;

/// What anyone who reaches a node may ask: acquire takes an optional holder
/// actor whose death returns the lease (an invalid handle makes the sender
/// the holder; a remote sender may not name an actor of the serving node)
/// and how long its caller waits for the answer: nothing is granted after
/// that. Release takes the lease's id and token, from the holder or another
/// actor of the holder's node, and answers the model's remaining refs;
/// `give_back` is the same release one way: nothing answers it, and a
/// refused one is logged and counted (`cmm_releases_refused_total`).
/// `run` is acquire, infer and release in one request: the caller waits for
/// the model as long as the timespan says, the answer comes from the model
/// actor, and the reference is held for exactly the inference. Requests from
/// other nodes name models by catalog id only.
using client_actor = caf::typed_actor<
    caf::replies_to<acquire_atom, model_spec, caf::actor,
                    caf::timespan>::with<lease>,
    caf::replies_to<run_atom, model_spec, caf::timespan,
                    std::vector<tensor>>::with<std::vector<tensor>>,
    caf::replies_to<release_atom, uint64_t, lease_token>::with<uint32_t>,
    caf::reacts_to<give_back_atom, uint64_t, lease_token>,
    caf::replies_to<is_loaded_atom, std::string>::with<bool>,
    caf::replies_to<list_atom>::with<std::vector<model_info>>,
    caf::replies_to<info_atom, std::string>::with<model_info>>;

/// What an operator may ask besides: unload, clean up, reset a failure,
/// preload, read the budgets, and `drain` (stop new acquires; answers once
/// every lease is back).
using operator_actor = client_actor::extend<
    caf::replies_to<unload_atom, std::string, bool>::with<bool>,
    caf::replies_to<unload_all_atom, bool>::with<uint32_t>,
    caf::replies_to<cleanup_atom>::with<std::vector<std::string>>,
    caf::replies_to<reset_atom, std::string>::with<bool>,
    caf::replies_to<preload_atom, model_spec>::with<model_info>,
    caf::replies_to<devices_atom>::with<std::vector<device_budget>>,
    caf::replies_to<drain_atom>::with<uint32_t>>;

/// What an acquire returns: the right to use one model until released. The
/// supervisor counts a reference per lease and takes it back on an explicit
/// `release`, when the holder actor goes down, or when a `scoped_lease`
/// wrapping it is destroyed.
struct lease {
  uint64_t id = 0;
  /// The entry's name: its catalog id, else its path.
  std::string name;
  /// Where inference requests go.
  inference_actor model;
  /// Where it must be released: the granting supervisor for a holder in its
  /// process, else that node's client gate; in a cluster that may be
  /// another node's.
  client_actor owner;
  /// The lease's secret, drawn by the supervisor that granted it.
  lease_token token;
};

/// How much longer a caller waits for an acquire's answer than the timeout
/// it announces in the message: the supervisor grants nothing after that
/// timeout, so the answer, a lease or an error, still finds its caller.
constexpr caf::timespan reply_margin = std::chrono::milliseconds{500};

/// The supervisor: one per actor system, owner of every entry. Its own
/// timers (idle, deadline) are accepted from itself only, a model actor's
/// `report` (its model now runs as saved) and `done` (a `run`'s lease comes
/// back) from that model actor only. Nodes never publish it: other processes
/// reach it through gates (see gate.hpp).
using supervisor_actor = operator_actor::extend<
    caf::reacts_to<idle_atom, std::string, uint64_t>,
    caf::reacts_to<deadline_atom, std::string, uint64_t>,
    caf::reacts_to<report_atom, std::string, load_report>,
    caf::reacts_to<done_atom, uint64_t, lease_token>>;

/// A cluster node's router: the operator interface, routed (so gates put it
/// in front of clients and operators unchanged), plus what nodes ask each
/// other: where a model is placed (asked of its coordinator), the live
/// peers, `hello` (a joining peer's name and local supervisor, answered with
/// this node's), and failed loads to share. Published only on the cluster
/// endpoint; `retry` is its own timer.
using cluster_router_actor = operator_actor::extend<
    caf::replies_to<place_atom, std::string>::with<std::string>,
    caf::replies_to<peers_atom>::with<std::vector<std::string>>,
    caf::replies_to<hello_atom, std::string, caf::actor>::with<caf::actor>,
    caf::reacts_to<report_atom, std::string, uint8_t, std::string>,
    caf::reacts_to<retry_atom, std::string>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_spec& x) {
  return f(caf::meta::type_name("cmm::model_spec"), x.id, x.path, x.type,
           x.device, x.dtype, x.wait_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_report& x) {
  return f(caf::meta::type_name("cmm::load_report"), x.bytes, x.precision,
           x.load_time, x.warmup_time, x.cast_note, x.rss_growth, x.inputs,
           x.outputs);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_token& x) {
  return f(caf::meta::type_name("cmm::lease_token"), x.high, x.low);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease& x) {
  return f(caf::meta::type_name("cmm::lease"), x.id, x.name, x.model, x.owner,
           x.token);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_info& x) {
  return f(caf::meta::type_name("cmm::model_info"), x.name, x.id, x.path,
           x.type, x.device, x.dtype, x.state, x.refs, x.idle_seconds, x.bytes,
           x.load_seconds, x.load_count, x.last_error, x.warmup_seconds,
           x.variant, x.pinned, x.location, x.cast_note, x.rss_growth_bytes,
           x.inputs, x.outputs, x.warmup_type, x.warmup_shape, x.batching,
           x.batches, x.batched_requests);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_budget& x) {
  return f(caf::meta::type_name("cmm::device_budget"), x.device, x.capacity,
           x.used, x.reserved, x.releasing, x.resident);
}

/// A tensor's payload as it crosses the wire: a length, then raw bytes. CAF
/// 0.17 sizes a byte vector to whatever length a peer claims before it
/// checks that the message holds that much; decoding this compares the
/// length with the bytes left first, so a lying length costs nothing.
/// (CAF decodes nested values through the `caf::deserializer` base, hence
/// the cast to the binary deserializer that knows what is left.)
struct wire_bytes {
  std::vector<uint8_t>& bytes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_bytes& x) {
  if constexpr (std::is_base_of<caf::deserializer, Inspector>::value) {
    size_t size = 0;
    if (auto err = f.begin_sequence(size))
      return err;
    auto* binary = dynamic_cast<caf::binary_deserializer*>(&f);
    if (binary == nullptr || size > binary->remaining())
      return caf::make_error(caf::sec::end_of_stream);
    x.bytes.resize(size);
    if (size > 0)
      if (auto err = f.apply_raw(size, x.bytes.data()))
        return err;
    return f.end_sequence();
  } else {
    return f(x.bytes);
  }
}

/// Tensors travel as dtype, shape and raw bytes: CAF 0.17's serializer
/// corrupts special floats, a byte block does not. The dtype byte arrives as
/// sent, defined or not: the boundary checks (tensor_check.hpp) refuse it
/// with a message, where a decoding error would leave the caller waiting.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tensor& x) {
  auto type = static_cast<uint8_t>(x.type);
  std::vector<uint8_t> payload;
  if constexpr (Inspector::reads_state) {
    if (x.bytes)
      payload = *x.bytes;
  }
  auto restore = caf::meta::load_callback([&]() -> caf::error {
    x.type = static_cast<dtype>(type);
    x.bytes = std::make_shared<const std::vector<uint8_t>>(std::move(payload));
    return caf::none;
  });
  wire_bytes wire{payload};
  return f(caf::meta::type_name("cmm::tensor"), type, x.shape, wire, restore);
}

} // namespace cmm

CAF_ADD_TYPE_ID(cmm, (cmm::model_spec))
CAF_ADD_TYPE_ID(cmm, (cmm::load_report))
CAF_ADD_TYPE_ID(cmm, (cmm::lease))
CAF_ADD_TYPE_ID(cmm, (cmm::model_info))
CAF_ADD_TYPE_ID(cmm, (std::vector<cmm::model_info>))
CAF_ADD_TYPE_ID(cmm, (cmm::device_budget))
CAF_ADD_TYPE_ID(cmm, (std::vector<cmm::device_budget>))
CAF_ADD_TYPE_ID(cmm, (cmm::tensor))
CAF_ADD_TYPE_ID(cmm, (std::vector<cmm::tensor>))
CAF_ADD_TYPE_ID(cmm, (std::vector<std::string>))
CAF_ADD_TYPE_ID(cmm, (cmm::inference_actor))
CAF_ADD_TYPE_ID(cmm, (cmm::model_actor))
CAF_ADD_TYPE_ID(cmm, (cmm::client_actor))
CAF_ADD_TYPE_ID(cmm, (cmm::operator_actor))
CAF_ADD_TYPE_ID(cmm, (cmm::supervisor_actor))
CAF_ADD_TYPE_ID(cmm, (cmm::cluster_router_actor))
CAF_ADD_TYPE_ID(cmm, (cmm::lease_token))
CAF_ADD_ATOM(cmm, cmm, estimate_atom, "estimate")
CAF_ADD_TYPE_ID(cmm, (std::vector<uint64_t>))

CAF_END_TYPE_ID_BLOCK(cmm)
