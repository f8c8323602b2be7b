#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/error.hpp"
#include "cmm/idle_policy.hpp"
#include "supervisor_log.hpp"
#include "supervisor_state.hpp"

namespace cmm {

// -- unloading ----------------------------------------------------------------

void supervisor_state::retire_leases(entry_slot& slot) {
  if (leases.revoke_model(slot.entry.spec.name) > 0)
    retired_models.insert(slot.model.address());
}

bool supervisor_state::begin_unload(entry_slot& slot, const char* reason,
                                    bool force) {
  auto& entry = slot.entry;
  if (entry.state != entry_state::ready || entry.moving)
    return false;
  if (entry.refs > 0 && !force) {
    supervisor_log()->info("refused to unload '{}': {} reference(s) held",
                           entry.spec.name, entry.refs);
    return false;
  }
  bool keep_actor = entry.refs > 0;
  if (keep_actor)
    retire_leases(slot);
  entry.refs = 0;
  enter(slot, entry_state::unloading);
  book(budgets.begin_release(to_string(entry.location), entry.bytes));
  auto name = entry.spec.name;
  auto instance = entry.instance;
  auto model = slot.model;
  auto device = to_string(entry.location);
  auto bytes = entry.bytes;
  auto finish = [this, name, instance, reason, model, keep_actor, device,
                 bytes](bool answered) {
    if (!answered) {
      supervisor_log()->warn("the model actor of '{}' did not free it in "
                             "time: abandoned",
                             name);
      abandon(model, {{device, bytes}});
    } else if (!keep_actor) {
      stop_model(model);
    }
    on_unloaded(name, instance, reason, answered);
  };
  self->request(model, entry.spec.load_timeout, free_atom_v)
      .then([finish](uint64_t) { finish(true); },
            [finish](const caf::error& err) {
              finish(err != caf::sec::request_timeout);
            });
  return true;
}

void supervisor_state::on_unloaded(const std::string& name, uint64_t instance,
                                   const char* reason, bool freed) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.instance != instance)
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  supervisor_log()->info("unloaded '{}' from {} ({}), {} bytes {}", name,
                         to_string(entry.location), reason, entry.bytes,
                         freed ? "freed" : "freed once its actor ends");
  auto device = to_string(entry.location);
  if (freed)
    book(budgets.finish_release(device, entry.bytes));
  enter(slot, entry_state::absent);
  entry.bytes = 0;
  slot.series->resident_bytes->set(0);
  slot.model = nullptr;
  auto callbacks = std::move(slot.on_absent);
  slot.on_absent.clear();
  for (auto& f : callbacks)
    f();
  // Acquires that arrived during the unload load the model anew.
  if (!slot.waiting.empty() && entry.state == entry_state::absent)
    admit(slot);
  room_freed(device);
}

caf::typed_response_promise<bool>
supervisor_state::unload(const std::string& name, bool force) {
  auto rp = self->make_response_promise<bool>();
  auto i = slots.find(name);
  if (i == slots.end()) {
    rp.deliver(false);
    return rp;
  }
  auto& slot = i->second;
  if (force && cancel_load(slot)) {
    rp.deliver(true);
    return rp;
  }
  if (slot.entry.state == entry_state::unloading ||
      begin_unload(slot, force ? "forced" : "requested", force))
    slot.on_absent.push_back([rp]() mutable { rp.deliver(true); });
  else
    rp.deliver(false);
  return rp;
}

namespace {

/// Counts down unloads and answers once the last one has finished.
template <class T> struct unload_join {
  caf::typed_response_promise<T> promise;
  T answer;
  size_t left = 0;

  void done() {
    if (--left == 0)
      promise.deliver(std::move(answer));
  }
};

} // namespace

caf::typed_response_promise<uint32_t> supervisor_state::unload_all(bool force) {
  auto join = std::make_shared<unload_join<uint32_t>>();
  join->promise = self->make_response_promise<uint32_t>();
  join->answer = 0;
  join->left = 1;
  for (auto& [name, slot] : slots) {
    if (begin_unload(slot, force ? "forced" : "requested", force)) {
      ++join->answer;
      ++join->left;
      slot.on_absent.push_back([join] { join->done(); });
    }
  }
  auto rp = join->promise;
  join->done();
  return rp;
}

caf::typed_response_promise<std::vector<std::string>>
supervisor_state::cleanup() {
  auto join = std::make_shared<unload_join<std::vector<std::string>>>();
  join->promise = self->make_response_promise<std::vector<std::string>>();
  join->left = 1;
  auto t = now();
  for (auto& [name, slot] : slots) {
    if (!slot.entry.spec.pinned &&
        is_idle_expired(slot.entry, t, cfg.idle_timeout) &&
        begin_unload(slot, "idle", false)) {
      join->answer.push_back(name);
      ++join->left;
      slot.on_absent.push_back([join] { join->done(); });
    }
  }
  auto rp = join->promise;
  join->done();
  return rp;
}

// -- idle timers and tiers ----------------------------------------------------

void supervisor_state::arm_idle_timer(entry_slot& slot, duration delay) {
  slot.entry.idle_timer_armed = true;
  self->delayed_send(self, delay, idle_atom_v, slot.entry.spec.name,
                     slot.entry.instance);
}

void supervisor_state::on_idle_timer(const std::string& name,
                                     uint64_t instance) {
  auto i = slots.find(name);
  if (i == slots.end())
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  if (entry.instance == instance)
    entry.idle_timer_armed = false;
  if (entry.spec.pinned || entry.moving)
    return;
  auto decision = cmm::on_idle_timer(entry, instance, now(), cfg.idle_timeout);
  switch (decision.action) {
  case idle_timer_decision::ignore:
    break;
  case idle_timer_decision::rearm:
    arm_idle_timer(slot, decision.delay);
    break;
  case idle_timer_decision::unload:
    bool on_accelerator = entry.location.kind != device::kind_t::cpu &&
                          entry.location == entry.spec.target;
    if (!(entry.spec.demote && on_accelerator && demote(slot)))
      begin_unload(slot, "idle", false);
    break;
  }
}

bool supervisor_state::demote(entry_slot& slot) {
  auto& entry = slot.entry;
  device cpu;
  if (budget_for(cpu).free_bytes() < entry.bytes)
    return false;
  metrics->device(to_string(entry.location)).demotions->add();
  move_model(slot, cpu, "demoted after idling");
  return true;
}

void supervisor_state::promote(entry_slot& slot) {
  auto& entry = slot.entry;
  if (budget_for(entry.spec.target).free_bytes() < entry.bytes) {
    supervisor_log()->info("'{}' stays on {}: no room on {} to promote it",
                           entry.spec.name, to_string(entry.location),
                           to_string(entry.spec.target));
    return;
  }
  metrics->device(to_string(entry.spec.target)).promotions->add();
  move_model(slot, entry.spec.target, "promoted on acquire");
}

void supervisor_state::move_model(entry_slot& slot, const device& to,
                                  const char* why) {
  auto& entry = slot.entry;
  entry.moving = true;
  auto bytes = entry.bytes;
  auto target = budget_for(to).device;
  book(budgets.reserve(target, bytes));
  auto name = entry.spec.name;
  auto instance = entry.instance;
  auto settle = [this, name, instance, to, target, bytes, why](uint64_t moved,
                                                               bool ok) {
    auto i = slots.find(name);
    auto current = i != slots.end() && i->second.entry.instance == instance;
    if (current)
      i->second.entry.moving = false;
    if (!current || !ok) {
      book(budgets.cancel(target, bytes));
      return;
    }
    auto& entry = i->second.entry;
    auto source = to_string(entry.location);
    book(budgets.move(source, target, entry.bytes, bytes, moved));
    supervisor_log()->info("moved '{}' from {} to {} ({})", name, source,
                           target, why);
    entry.location = to;
    entry.bytes = moved;
    i->second.series->resident_bytes->set(static_cast<int64_t>(moved));
    entry.last_access = now();
    if (entry.refs == 0 && !entry.idle_timer_armed)
      arm_idle_timer(i->second, cfg.idle_timeout);
    room_freed(source);
  };
  self->request(slot.model, entry.spec.load_timeout, move_atom_v, to_string(to))
      .then(
          [settle](uint64_t moved) { settle(moved, true); },
          [this, settle, name, instance, target, bytes](const caf::error& err) {
            supervisor_log()->warn("could not move '{}': {}", name,
                                   to_string(to_failure(err)));
            auto i = slots.find(name);
            if (err == caf::sec::request_timeout && i != slots.end() &&
                i->second.entry.instance == instance &&
                i->second.entry.state == entry_state::ready)
              lose_moving_model(i->second, target, bytes);
            else
              settle(0, false);
          });
}

void supervisor_state::lose_moving_model(entry_slot& slot,
                                         const std::string& target,
                                         uint64_t reserved) {
  auto& entry = slot.entry;
  auto source = to_string(entry.location);
  entry.moving = false;
  if (entry.refs > 0)
    retire_leases(slot);
  entry.refs = 0;
  book(budgets.begin_release(source, entry.bytes));
  book(budgets.abandon(target, reserved));
  enter(slot, entry_state::unloading);
  abandon(slot.model, {{source, entry.bytes}, {target, reserved}});
  on_unloaded(entry.spec.name, entry.instance, "its move timed out", false);
}

} // namespace cmm
