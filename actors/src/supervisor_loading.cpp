#include <algorithm>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/error.hpp"
#include "cmm/model_actor.hpp"
#include "cmm/placement.hpp"
#include "supervisor_log.hpp"
#include "supervisor_state.hpp"

namespace cmm {

namespace {

/// Sizes for messages: whole bytes below a megabyte, else MB.
std::string megabytes(uint64_t bytes) {
  if (bytes < 1000000)
    return std::to_string(bytes) + " bytes";
  return std::to_string(bytes / 1000000) + "." +
         std::to_string(bytes / 100000 % 10) + " MB";
}

failure no_room(const std::string& name, uint64_t needed,
                const device_budget& b) {
  return {errc::insufficient_memory,
          "model '" + name + "' needs " + megabytes(needed) + " on " +
              b.device + " but only " + megabytes(b.free_bytes()) + " of " +
              megabytes(b.capacity) +
              " are free and the rest is in use or pinned"};
}

failure never_fits(const std::string& name, uint64_t needed,
                   const device_budget& b) {
  return {errc::insufficient_memory,
          "model '" + name + "' needs " + megabytes(needed) +
              " but the whole budget of " + b.device + " is " +
              megabytes(b.capacity)};
}

} // namespace

// -- admission ----------------------------------------------------------------

std::vector<eviction_candidate>
supervisor_state::idle_on(const std::string& device,
                          const std::string& except) const {
  std::vector<eviction_candidate> result;
  auto t = now();
  for (auto& [name, slot] : slots) {
    auto& e = slot.entry;
    if (e.state != entry_state::ready || e.refs > 0 || e.spec.pinned ||
        e.moving || name == except || to_string(e.location) != device)
      continue;
    result.push_back({name, e.bytes, e.last_access,
                      std::chrono::duration<double>(e.load_time).count(),
                      current_rate(e.rate, t, cfg.rate_half_life)});
  }
  return result;
}

bool supervisor_state::place(entry_slot& slot) {
  auto& spec = slot.entry.spec;
  // Visible accelerators count even before anything used them: this gives
  // them their default budgets.
  for (auto& dev : model_backend->visible_devices())
    if (dev.kind == spec.target.kind)
      budget_for(dev);
  std::vector<device_budget> candidates;
  for (auto& [dev, b] : budgets) {
    auto parsed = parse_device(dev);
    if (parsed && parsed->kind == spec.target.kind && parsed->index >= 0)
      candidates.push_back(b);
  }
  load_request probe{spec.path, spec.target, spec.precision};
  auto chosen =
      place_best_fit(candidates, model_backend->estimate_bytes(probe));
  if (!chosen) {
    fail_waiters(slot, {errc::invalid_device,
                        "no " + to_string(device{spec.target.kind, -1}) +
                            " device has a budget to place '" + spec.name +
                            "' on: configure cmm.budgets"});
    return false;
  }
  spec.target = *parse_device(*chosen);
  return true;
}

void supervisor_state::admit(entry_slot& slot) {
  auto& entry = slot.entry;
  if (entry.spec.auto_place && entry.state != entry_state::waiting &&
      !place(slot))
    return;
  auto& spec = entry.spec;
  auto& b = budget_for(spec.target);
  std::vector<model_variant> variants{{"", spec.path}};
  variants.insert(variants.end(), spec.fallbacks.begin(), spec.fallbacks.end());
  std::optional<failure> too_large;
  std::optional<failure> short_of_room;
  for (auto& variant : variants) {
    load_request req{variant.path, spec.target, spec.precision};
    auto estimate = model_backend->estimate_bytes(req);
    if (estimate > b.capacity) {
      if (!too_large)
        too_large = never_fits(spec.name, estimate, b);
      continue;
    }
    if (estimate <= b.free_bytes()) {
      start_load(slot, variant, estimate);
      return;
    }
    // Unloads in flight already count toward the room this load needs.
    auto missing = estimate - b.free_bytes();
    if (missing <= b.releasing) {
      wait_for_room(slot, no_room(spec.name, estimate, b));
      return;
    }
    auto plan = plan_eviction(cfg.policy, idle_on(b.device, spec.name),
                              missing - b.releasing);
    if (plan.sufficient) {
      for (auto& victim : plan.victims)
        begin_unload(slots[victim], "evicted", false);
      wait_for_room(slot, no_room(spec.name, estimate, b));
      return;
    }
    if (!short_of_room)
      short_of_room = no_room(spec.name, estimate, b);
  }
  if (short_of_room) {
    wait_for_room(slot, *short_of_room);
    return;
  }
  supervisor_log()->warn("{}", too_large->message);
  fail_waiters(slot, *too_large);
  if (entry.state == entry_state::waiting)
    entry.move_to(entry_state::absent);
}

void supervisor_state::wait_for_room(entry_slot& slot, const failure& why) {
  auto& entry = slot.entry;
  if (entry.state != entry_state::waiting) {
    supervisor_log()->info("{}: waiting for room", why.message);
    entry.move_to(entry_state::waiting);
    // Deadlines are armed once, so retries never extend them.
    for (auto& req : slot.waiting)
      arm_deadline(entry.spec.name, req);
  }
  room_queue[to_string(entry.spec.target)].push_back(entry.spec.name);
}

void supervisor_state::arm_deadline(const std::string& name,
                                    const waiting_request& req) {
  self->delayed_send(self, req.patience, deadline_atom_v, name, req.id);
}

void supervisor_state::on_deadline(const std::string& name,
                                   uint64_t waiter_id) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.state != entry_state::waiting)
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  auto j = std::find_if(slot.waiting.begin(), slot.waiting.end(),
                        [&](auto& w) { return w.id == waiter_id; });
  if (j == slot.waiting.end())
    return;
  load_request req{entry.spec.path, entry.spec.target, entry.spec.precision};
  auto err = no_room(name, model_backend->estimate_bytes(req),
                     budget_for(entry.spec.target));
  supervisor_log()->warn("{}: gave up waiting", err.message);
  answer_error(*j, err);
  slot.waiting.erase(j);
  if (slot.waiting.empty() && !entry.spec.pinned) {
    entry.move_to(entry_state::absent);
    auto i = room_queue.find(to_string(entry.spec.target));
    if (i != room_queue.end()) {
      auto& queue = i->second;
      queue.erase(std::remove(queue.begin(), queue.end(), name), queue.end());
      if (queue.empty())
        room_queue.erase(i);
    }
  }
}

void supervisor_state::room_freed(const std::string& device) {
  auto i = room_queue.find(device);
  if (i == room_queue.end())
    return;
  auto queue = std::move(i->second);
  room_queue.erase(i);
  for (auto& name : queue) {
    auto& slot = slots[name];
    // Admission either starts the load or puts the entry back in a queue.
    if (slot.entry.state == entry_state::waiting)
      admit(slot);
  }
}

// -- loading ------------------------------------------------------------------

void supervisor_state::start_load(entry_slot& slot,
                                  const model_variant& variant,
                                  uint64_t estimate) {
  auto& entry = slot.entry;
  if (entry.state == entry_state::waiting)
    entry.move_to(entry_state::absent);
  if (auto err = entry.move_to(entry_state::loading)) {
    supervisor_log()->error("{}", err->message);
    return;
  }
  ++entry.instance;
  ++entry.load_count;
  entry.idle_timer_armed = false;
  entry.variant = variant.label;
  entry.location = entry.spec.target;
  entry.reserved_bytes = estimate;
  budget_for(entry.location).reserved += estimate;
  load_request req{variant.path, entry.spec.target, entry.spec.precision};
  if (cfg.detached_models)
    slot.model = self->spawn<caf::detached + caf::linked>(
        model_actor_impl, model_backend, req, entry.spec.name,
        entry.spec.warmup, cfg.limits);
  else
    slot.model = self->spawn<caf::linked>(model_actor_impl, model_backend, req,
                                          entry.spec.name, entry.spec.warmup,
                                          cfg.limits);
  auto name = entry.spec.name;
  auto instance = entry.instance;
  self->request(slot.model, caf::infinite, load_atom_v)
      .then(
          [this, name, instance](const load_report& report) {
            on_loaded(name, instance, report);
          },
          [this, name, instance](const caf::error& err) {
            on_load_failed(name, instance, err);
          });
}

void supervisor_state::on_loaded(const std::string& name, uint64_t instance,
                                 const load_report& report) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.instance != instance)
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  entry.move_to(entry_state::ready);
  auto& b = budget_for(entry.location);
  b.reserved -= entry.reserved_bytes;
  b.used += report.bytes;
  ++b.resident;
  entry.reserved_bytes = 0;
  entry.bytes = report.bytes;
  entry.precision = report.precision;
  entry.load_time = report.load_time;
  entry.warmup_time = report.warmup_time;
  entry.last_failure.reset();
  entry.oom_retried = false;
  entry.last_access = now();
  auto waiting = std::move(slot.waiting);
  slot.waiting.clear();
  for (auto& w : waiting)
    answer_ready(slot, w);
  if (entry.refs == 0 && !entry.spec.pinned)
    arm_idle_timer(slot, cfg.idle_timeout);
  // A model smaller than its estimate leaves room for others.
  room_freed(b.device);
}

void supervisor_state::on_load_failed(const std::string& name,
                                      uint64_t instance,
                                      const caf::error& err) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.instance != instance)
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  auto cause = to_failure(err);
  auto device = to_string(entry.location);
  budget_for(entry.location).reserved -= entry.reserved_bytes;
  entry.reserved_bytes = 0;
  stop_model(slot.model);
  slot.model = nullptr;
  if (cause.code == errc::out_of_memory && !entry.oom_retried) {
    // Evict every idle model on the device, then try once more.
    entry.oom_retried = true;
    supervisor_log()->warn("loading '{}' ran out of memory on {}: evicting "
                           "idle models and retrying once",
                           name, device);
    for (auto& victim : idle_on(device, name))
      begin_unload(slots[victim.name], "evicted after out of memory", false);
    entry.move_to(entry_state::waiting);
    room_queue[device].push_back(name);
    if (budget_for(entry.location).releasing == 0)
      room_freed(device);
    return;
  }
  uint32_t previous = entry.last_failure ? entry.last_failure->consecutive : 0;
  entry.last_failure = record_failure(cfg.retry, cause, now(), previous);
  entry.oom_retried = false;
  entry.move_to(entry_state::failed);
  supervisor_log()->warn("load of '{}' failed ({}); not retried for {} s", name,
                         to_string(cause),
                         std::chrono::duration_cast<std::chrono::seconds>(
                             entry.last_failure->retry_after)
                             .count());
  fail_waiters(slot, cause);
  room_freed(device);
}

void supervisor_state::fail_waiters(entry_slot& slot, const failure& err) {
  auto waiting = std::move(slot.waiting);
  slot.waiting.clear();
  for (auto& w : waiting)
    answer_error(w, err);
}

bool supervisor_state::reset(const std::string& name) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.state != entry_state::failed)
    return false;
  auto& entry = i->second.entry;
  entry.move_to(entry_state::absent);
  entry.last_failure.reset();
  supervisor_log()->info("reset the failure record of '{}'", name);
  return true;
}

} // namespace cmm
