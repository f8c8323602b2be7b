#include "supervisor_state.hpp"

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/error.hpp"
#include "cmm/idle_policy.hpp"
#include "cmm/log.hpp"
#include "cmm/model_actor.hpp"

namespace cmm {

namespace {

auto& log() {
  static auto instance = logger("supervisor");
  return instance;
}

failure not_known(const std::string& name) {
  return {errc::unknown_model, "no model '" + name +
                                   "' is known to this manager: acquire it "
                                   "first or use a catalog id"};
}

} // namespace

time_point supervisor_state::now() const {
  return self->clock().now();
}

// -- acquire and release ------------------------------------------------------

caf::typed_response_promise<lease>
supervisor_state::acquire(const model_spec& spec, const caf::actor& holder) {
  auto rp = self->make_response_promise<lease>();
  auto resolved = resolve(spec, cfg);
  if (!resolved) {
    rp.deliver(make_error(resolved.error()));
    return rp;
  }
  load_request req{resolved->path, resolved->target, resolved->precision};
  if (auto err = model_backend->check(req)) {
    rp.deliver(make_error(*err));
    return rp;
  }
  auto holder_addr =
      holder ? holder.address()
             : caf::actor_cast<caf::actor_addr>(self->current_sender());
  auto& slot = slots[resolved->name];
  auto& entry = slot.entry;
  if (entry.state == entry_state::absent) {
    entry.spec = *resolved;
  } else if (entry.spec.target != resolved->target ||
             entry.spec.path != resolved->path) {
    rp.deliver(make_error(
        errc::placement_conflict,
        "model '" + entry.spec.name + "' is already known on " +
            to_string(entry.spec.target) + " from '" + entry.spec.path +
            "': unload it before asking for it on " +
            to_string(resolved->target)));
    return rp;
  }
  switch (entry.state) {
  case entry_state::ready:
    rp.deliver(grant(slot, holder_addr));
    return rp;
  case entry_state::loading:
  case entry_state::unloading:
    slot.waiting.push_back({rp, holder_addr});
    return rp;
  case entry_state::failed:
    if (!may_retry(*entry.last_failure, now())) {
      rp.deliver(make_error(refusal(*entry.last_failure, now())));
      return rp;
    }
    entry.spec = *resolved;
    [[fallthrough]];
  case entry_state::absent:
    slot.waiting.push_back({rp, holder_addr});
    start_load(slot);
    return rp;
  }
  return rp;
}

lease supervisor_state::grant(entry_slot& slot, const caf::actor_addr& holder) {
  auto& entry = slot.entry;
  ++entry.refs;
  entry.last_access = now();
  auto id = next_lease_id++;
  leases.emplace(id, lease_record{entry.spec.name, holder, entry.instance,
                                  slot.model, false});
  if (holder) {
    auto& held = holders[holder];
    if (held.empty())
      self->monitor(holder);
    held.insert(id);
  }
  return lease{id, entry.spec.name, slot.model};
}

caf::result<uint32_t> supervisor_state::release(uint64_t id) {
  auto i = leases.find(id);
  if (i == leases.end())
    return make_error(errc::unknown_lease,
                      "lease " + std::to_string(id) +
                          " is unknown or was already released");
  auto rec = std::move(i->second);
  leases.erase(i);
  forget_lease(id, rec);
  if (rec.retired) {
    auto j = retired_models.find(rec.model.address());
    if (j != retired_models.end() && --j->second == 0) {
      retired_models.erase(j);
      stop_model(rec.model);
    }
    return uint32_t{0};
  }
  auto& slot = slots[rec.name];
  auto& entry = slot.entry;
  --entry.refs;
  entry.last_access = now();
  if (entry.refs == 0 && !entry.idle_timer_armed)
    arm_idle_timer(slot, cfg.idle_timeout);
  return entry.refs;
}

void supervisor_state::forget_lease(uint64_t id, const lease_record& rec) {
  if (!rec.holder)
    return;
  auto i = holders.find(rec.holder);
  if (i == holders.end())
    return;
  i->second.erase(id);
  if (i->second.empty()) {
    self->demonitor(rec.holder);
    holders.erase(i);
  }
}

void supervisor_state::on_holder_down(const caf::down_msg& msg) {
  auto i = holders.find(msg.source);
  if (i == holders.end())
    return;
  auto ids = i->second;
  log()->info("holder {} went down: returning {} lease(s)",
              to_string(msg.source), ids.size());
  for (auto id : ids)
    release(id);
}

// -- loading ------------------------------------------------------------------

void supervisor_state::start_load(entry_slot& slot) {
  auto& entry = slot.entry;
  if (auto err = entry.move_to(entry_state::loading)) {
    log()->error("{}", err->message);
    return;
  }
  ++entry.instance;
  ++entry.load_count;
  entry.idle_timer_armed = false;
  load_request req{entry.spec.path, entry.spec.target, entry.spec.precision};
  if (cfg.detached_models)
    slot.model = self->spawn<caf::detached + caf::linked>(
        model_actor_impl, model_backend, req, entry.spec.name);
  else
    slot.model = self->spawn<caf::linked>(model_actor_impl, model_backend, req,
                                          entry.spec.name);
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
  entry.bytes = report.bytes;
  entry.precision = report.precision;
  entry.load_time = report.load_time;
  entry.last_failure.reset();
  entry.last_access = now();
  auto waiting = std::move(slot.waiting);
  slot.waiting.clear();
  for (auto& w : waiting)
    w.promise.deliver(grant(slot, w.holder));
  if (entry.refs == 0)
    arm_idle_timer(slot, cfg.idle_timeout);
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
  uint32_t previous = entry.last_failure ? entry.last_failure->consecutive : 0;
  entry.last_failure = record_failure(cfg.retry, cause, now(), previous);
  entry.move_to(entry_state::failed);
  log()->warn("load of '{}' failed ({}); not retried for {} s", name,
              to_string(cause),
              std::chrono::duration_cast<std::chrono::seconds>(
                  entry.last_failure->retry_after)
                  .count());
  stop_model(slot.model);
  slot.model = nullptr;
  auto waiting = std::move(slot.waiting);
  slot.waiting.clear();
  for (auto& w : waiting)
    w.promise.deliver(make_error(cause));
}

bool supervisor_state::reset(const std::string& name) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.state != entry_state::failed)
    return false;
  auto& entry = i->second.entry;
  entry.move_to(entry_state::absent);
  entry.last_failure.reset();
  log()->info("reset the failure record of '{}'", name);
  return true;
}

// -- unloading ----------------------------------------------------------------

void supervisor_state::retire_leases(entry_slot& slot) {
  uint32_t count = 0;
  for (auto& [id, rec] : leases) {
    if (!rec.retired && rec.name == slot.entry.spec.name) {
      rec.retired = true;
      ++count;
    }
  }
  if (count > 0)
    retired_models[slot.model.address()] += count;
}

bool supervisor_state::begin_unload(entry_slot& slot, const char* reason,
                                    bool force) {
  auto& entry = slot.entry;
  if (entry.state != entry_state::ready)
    return false;
  if (entry.refs > 0 && !force) {
    log()->info("refused to unload '{}': {} reference(s) held", entry.spec.name,
                entry.refs);
    return false;
  }
  bool keep_actor = entry.refs > 0;
  if (keep_actor)
    retire_leases(slot);
  entry.refs = 0;
  entry.move_to(entry_state::unloading);
  auto name = entry.spec.name;
  auto instance = entry.instance;
  auto model = slot.model;
  auto finish = [this, name, instance, reason, model, keep_actor] {
    if (!keep_actor)
      stop_model(model);
    on_unloaded(name, instance, reason);
  };
  self->request(model, caf::infinite, free_atom_v)
      .then([finish](uint64_t) { finish(); },
            [finish](const caf::error&) { finish(); });
  return true;
}

void supervisor_state::on_unloaded(const std::string& name, uint64_t instance,
                                   const char* reason) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.instance != instance)
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  log()->info("unloaded '{}' from {} ({}), {} bytes freed", name,
              to_string(entry.spec.target), reason, entry.bytes);
  entry.move_to(entry_state::absent);
  entry.bytes = 0;
  slot.model = nullptr;
  auto callbacks = std::move(slot.on_absent);
  slot.on_absent.clear();
  for (auto& f : callbacks)
    f();
  // Acquires that arrived during the unload load the model anew.
  if (!slot.waiting.empty() && entry.state == entry_state::absent)
    start_load(slot);
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
    if (is_idle_expired(slot.entry, t, cfg.idle_timeout) &&
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
  if (slot.entry.instance == instance)
    slot.entry.idle_timer_armed = false;
  auto decision =
      cmm::on_idle_timer(slot.entry, instance, now(), cfg.idle_timeout);
  switch (decision.action) {
  case idle_timer_decision::ignore:
    break;
  case idle_timer_decision::rearm:
    arm_idle_timer(slot, decision.delay);
    break;
  case idle_timer_decision::unload:
    begin_unload(slot, "idle", false);
    break;
  }
}

// -- queries ------------------------------------------------------------------

bool supervisor_state::is_loaded(const std::string& name) const {
  auto i = slots.find(name);
  return i != slots.end() && i->second.entry.state == entry_state::ready;
}

std::vector<model_info> supervisor_state::list() const {
  std::vector<model_info> result;
  auto t = now();
  for (auto& [name, slot] : slots)
    if (slot.entry.state != entry_state::absent)
      result.push_back(describe(slot.entry, t));
  return result;
}

caf::result<model_info> supervisor_state::info(const std::string& name) const {
  auto i = slots.find(name);
  if (i != slots.end())
    return describe(i->second.entry, now());
  auto resolved = resolve(model_spec::by_id(name), cfg);
  if (!resolved)
    return make_error(not_known(name));
  model_entry entry;
  entry.spec = *resolved;
  return describe(entry, now());
}

// -- lifetime -----------------------------------------------------------------

void supervisor_state::stop_model(const model_actor& model) {
  if (!model)
    return;
  self->unlink_from(model);
  self->send_exit(model, caf::exit_reason::user_shutdown);
}

void supervisor_state::on_exit(const caf::exit_msg& msg) {
  auto j = retired_models.find(msg.source);
  if (j != retired_models.end()) {
    retired_models.erase(j);
    return;
  }
  for (auto& [name, slot] : slots) {
    if (!slot.model || slot.model.address() != msg.source)
      continue;
    log()->error("model actor of '{}' died: {}", name,
                 self->system().render(msg.reason));
    // A load in flight learns of the death through its request.
    if (slot.entry.state == entry_state::ready) {
      if (slot.entry.refs > 0)
        retire_leases(slot);
      slot.entry.refs = 0;
      slot.entry.move_to(entry_state::unloading);
      on_unloaded(name, slot.entry.instance, "its actor died");
    }
    return;
  }
  self->quit(msg.reason);
}

} // namespace cmm
