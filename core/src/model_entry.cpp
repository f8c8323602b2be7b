#include "cmm/model_entry.hpp"

namespace cmm {

std::optional<failure> model_entry::transition_to(entry_state next) {
  if (auto err = check_transition(state, next))
    return err;
  state = next;
  return std::nullopt;
}

model_info describe(const model_entry& entry, time_point now) {
  using secs = std::chrono::duration<double>;
  model_info info;
  info.name = entry.spec.name;
  info.id = entry.spec.id;
  info.path = entry.spec.path;
  info.type = entry.spec.type;
  info.device = to_string(entry.spec.target);
  info.dtype = !entry.precision.empty() ? entry.precision
               : entry.spec.keep_saved  ? "saved"
                                        : to_string(entry.spec.precision);
  info.state = to_string(entry.state);
  info.refs = entry.refs;
  if (entry.state == entry_state::ready && entry.refs == 0)
    info.idle_seconds = secs{now - entry.last_access}.count();
  info.bytes = entry.bytes;
  info.load_seconds = secs{entry.load_time}.count();
  info.warmup_seconds = secs{entry.warmup_time}.count();
  info.variant = entry.variant.empty() ? "preferred" : entry.variant;
  info.pinned = entry.spec.pinned;
  if (entry.state == entry_state::ready)
    info.location = to_string(entry.location);
  info.load_count = entry.load_count;
  if (entry.last_failure)
    info.last_error = to_string(entry.last_failure->cause);
  info.cast_note = entry.cast_note;
  info.rss_growth_bytes = entry.rss_growth;
  info.inputs = entry.signature.inputs;
  info.outputs = entry.signature.outputs;
  if (entry.spec.warmup) {
    info.warmup_type = to_string(entry.spec.warmup->type);
    info.warmup_shape = entry.spec.warmup->shape;
  }
  if (entry.spec.batch.enabled())
    info.batching = to_string(entry.spec.batch);
  return info;
}

} // namespace cmm
