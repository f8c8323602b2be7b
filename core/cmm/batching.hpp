#pragma once

// Dynamic batching as Triton does it: inference requests for one model that
// agree in every input's dtype and in every dimension but the first run as
// one forward over their rows concatenated, and each caller gets its own
// rows of every output back. The decisions and the byte work live here; the
// model actor only collects requests and runs what these functions plan.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmm/clock.hpp"
#include "cmm/result.hpp"
#include "cmm/tensor.hpp"

namespace cmm {

/// A model's batching: at most `max_rows` rows per forward, and the oldest
/// waiting request waits at most `delay` for company when a batch is not
/// full. `max_rows` 0: off.
struct batch_policy {
  uint32_t max_rows = 0;
  duration delay{0};

  bool enabled() const noexcept { return max_rows > 1; }
};

/// The most rows a catalog may ask for per forward.
constexpr uint32_t max_batch_rows = 65536;

/// The longest a catalog may let a request wait for a batch.
constexpr duration max_batch_delay = std::chrono::seconds{1};

/// Parses the catalog's `batch=MAX:DELAY`, e.g. `32:2ms`: MAX between 2 and
/// `max_batch_rows`, DELAY a duration up to `max_batch_delay` (`0` allowed:
/// batch only what is already waiting). None for anything else.
std::optional<batch_policy> parse_batch_policy(std::string_view text);

/// The policy as the catalog writes it, e.g. `32:2ms`.
std::string to_string(const batch_policy& policy);

/// The rows a request brings to a batch: the first dimension all its inputs
/// share. None when it cannot join one: no input, a scalar input, inputs
/// disagreeing in their first dimension, or no rows at all.
std::optional<int64_t> batch_rows(const std::vector<tensor>& inputs);

/// Whether two requests may share a forward: as many inputs, and each pair
/// agreeing in dtype, rank and every dimension but the first.
bool batch_compatible(const std::vector<tensor>& a,
                      const std::vector<tensor>& b);

/// Which of the waiting requests (oldest first, each with rows) the next
/// forward takes: the oldest, then every later one compatible with it while
/// the rows stay within `max_rows`. Answers their positions, in order; the
/// oldest is always taken, alone if it is larger than `max_rows`.
std::vector<size_t>
pick_batch(const std::vector<const std::vector<tensor>*>& waiting,
           uint32_t max_rows);

/// The inputs of one forward: input i of every request concatenated along
/// the first dimension, in request order. The requests must be compatible
/// and have rows (`batch_rows`).
std::vector<tensor>
concat_rows(const std::vector<const std::vector<tensor>*>& requests);

/// Splits a batched forward's outputs back: request j gets rows
/// [sum(rows[0..j)), sum(rows[0..j])) of every output. Fails
/// (`inference_failed`) when an output's first dimension is not the total
/// of `rows`: such a model does not keep its rows apart.
result<std::vector<std::vector<tensor>>>
split_rows(const std::vector<tensor>& outputs,
           const std::vector<int64_t>& rows);

/// Whether the waiting requests run now: a full batch, or the oldest has
/// waited `delay` since `oldest_arrival`.
bool batch_due(int64_t rows_ready, const batch_policy& policy,
               time_point oldest_arrival, time_point now);

} // namespace cmm
