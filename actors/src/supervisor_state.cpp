#include "supervisor_state.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/error.hpp"
#include "cmm/gate.hpp"
#include "cmm/log.hpp"
#include "cmm/waiter_expiry.hpp"
#include "supervisor_log.hpp"

namespace cmm {

namespace {

/// Whether `caller` acts for `holder`: it is an actor of the holder's node
/// (the holder itself included). An anonymous caller acts for nobody.
bool acts_for(const caf::strong_actor_ptr& caller,
              const caf::actor_addr& holder) {
  return caller && holder && caller->node() == holder.node();
}

/// The `device` label of an entry's metrics: its device, or `auto:KIND`
/// for one placed at load time, so that the label stays while it moves.
std::string device_label(const resolved_spec& spec) {
  auto dev = to_string(spec.target);
  return spec.auto_place ? "auto:" + dev.substr(0, dev.find(':')) : dev;
}

failure not_known(const std::string& name) {
  return {errc::unknown_model, "no model '" + name +
                                   "' is known to this manager: acquire it "
                                   "first or use a catalog id"};
}

} // namespace

void supervisor_state::init(supervisor_pointer ptr, manager_config config,
                            backend_ptr be, manager_metrics_ptr recorder) {
  self = ptr;
  cfg = std::move(config);
  model_backend = std::move(be);
  metrics = std::move(recorder);
  gate = self->spawn<caf::linked>(client_gate,
                                  caf::actor_cast<client_actor>(self));
  for (auto& [dev, capacity] : cfg.budgets)
    budgets.open(dev, capacity);
  book(std::nullopt);
  for (auto& [id, entry] : cfg.models) {
    if (!entry.pinned)
      continue;
    auto spec = resolve(model_spec::by_id(id), cfg);
    auto slot = spec ? slot_for(*spec) : caf::expected<entry_slot*>{nullptr};
    if (!spec || !slot || !*slot) {
      supervisor_log()->error("cannot pin '{}': {}", id,
                              spec ? to_string(slot.error())
                                   : to_string(spec.error()));
      continue;
    }
    admit(**slot);
  }
}

time_point supervisor_state::now() const {
  return self->clock().now();
}

const device_budget& supervisor_state::budget_for(const device& dev) {
  auto key = to_string(dev);
  if (auto b = budgets.find(key))
    return *b;
  uint64_t capacity = UINT64_MAX;
  if (dev.kind == device::kind_t::cpu) {
    if (auto total = physical_memory_bytes())
      capacity = static_cast<uint64_t>(static_cast<double>(total) *
                                       cfg.cpu_budget_fraction);
  } else if (dev.kind == device::kind_t::cuda) {
    if (auto free = model_backend->free_device_memory(dev))
      capacity =
          *free > cfg.cuda_reserve_bytes ? *free - cfg.cuda_reserve_bytes : 0;
  }
  auto& opened = budgets.open(key, capacity);
  metrics->device(key).publish(opened);
  return opened;
}

void supervisor_state::report_defect(const std::optional<failure>& err) const {
  if (err)
    supervisor_log()->error("bookkeeping defect: {}", err->message);
}

bool supervisor_state::enter(entry_slot& slot, entry_state next) {
  if (auto err = slot.entry.transition_to(next)) {
    report_defect(err);
    return false;
  }
  slot.series->entered(next);
  return true;
}

void supervisor_state::book(const std::optional<failure>& err) {
  report_defect(err);
  for (auto& [device, budget] : budgets.budgets())
    metrics->device(device).publish(budget);
}

void supervisor_state::refuse(caf::typed_response_promise<lease>& rp,
                              const caf::error& err) {
  metrics->acquire_refused(to_failure(err).code);
  rp.deliver(err);
}

// -- requests -----------------------------------------------------------------

std::optional<failure>
supervisor_state::check_caller(const model_spec& spec,
                               const caf::strong_actor_ptr& sender) const {
  if (draining)
    return failure{errc::shutting_down,
                   "this node is shutting down and takes no new acquires"};
  if (!spec.path.empty() && sender && sender->node() != self->node())
    return failure{errc::not_permitted,
                   "remote callers name models by catalog id, not by path"};
  return std::nullopt;
}

std::optional<failure>
supervisor_state::check_holder(const caf::actor_addr& holder,
                               const caf::strong_actor_ptr& sender) const {
  if (!sender)
    return failure{errc::not_permitted,
                   "an acquire needs a sender to answer and to hold the lease"};
  if (sender->node() != self->node() && holder.node() == self->node())
    return failure{errc::not_permitted,
                   "a remote caller may not name an actor of this node as the "
                   "holder of its lease: name itself or an actor of its own "
                   "node"};
  return std::nullopt;
}

std::optional<failure> supervisor_state::check_wait(caf::timespan timeout) {
  if (timeout < caf::timespan{0} || timeout > max_acquire_wait)
    return failure{errc::bad_input,
                   "an acquire's timeout must lie between 0 and 24 hours"};
  return std::nullopt;
}

caf::typed_response_promise<uint32_t> supervisor_state::drain() {
  draining = true;
  drain_waiters.push_back(self->make_response_promise<uint32_t>());
  auto rp = drain_waiters.back();
  settle_drain();
  return rp;
}

void supervisor_state::settle_drain() {
  if (!draining || !leases.empty())
    return;
  for (auto& rp : drain_waiters)
    rp.deliver(uint32_t{0});
  drain_waiters.clear();
}

caf::expected<entry_slot*>
supervisor_state::slot_for(const resolved_spec& spec) {
  auto& slot = slots[spec.name];
  auto& entry = slot.entry;
  if (entry.state == entry_state::absent ||
      entry.state == entry_state::failed) {
    auto failed_before = entry.state == entry_state::failed;
    if (!failed_before || entry.spec.path == spec.path)
      entry.spec = spec;
    slot.series = &metrics->model(spec.name, device_label(entry.spec));
    slot.series->entered(entry.state);
    return &slot;
  }
  bool same_place =
      spec.auto_place
          ? entry.spec.auto_place && entry.spec.target.kind == spec.target.kind
          : entry.spec.target == spec.target;
  if (same_place && entry.spec.path == spec.path)
    return &slot;
  return make_error(errc::placement_conflict,
                    "model '" + entry.spec.name + "' is already known on " +
                        to_string(entry.spec.target) + " from '" +
                        entry.spec.path + "': unload it before asking for it" +
                        " elsewhere");
}

caf::typed_response_promise<lease>
supervisor_state::acquire(const model_spec& spec, const caf::actor& holder,
                          caf::timespan timeout) {
  // Making the promise takes the sender out of the current message: read
  // who is asking first.
  auto sender = self->current_sender();
  waiting_request req;
  req.acquire = self->make_response_promise<lease>();
  auto rp = req.acquire;
  auto caller = caf::actor_cast<caf::actor_addr>(sender);
  req.holder = holder ? holder.address() : caller;
  if (req.holder != caller)
    req.caller = caller;
  submit(std::move(req), spec, timeout, sender);
  return rp;
}

caf::typed_response_promise<std::vector<tensor>>
supervisor_state::run(const model_spec& spec, caf::timespan timeout,
                      std::vector<tensor> inputs) {
  auto sender = self->current_sender();
  waiting_request req;
  req.kind = waiting_request::kind_t::run;
  req.run = self->make_response_promise<std::vector<tensor>>();
  auto rp = req.run;
  req.holder = caf::actor_cast<caf::actor_addr>(sender);
  req.inputs = std::move(inputs);
  submit(std::move(req), spec, timeout, sender);
  return rp;
}

void supervisor_state::submit(waiting_request req, const model_spec& spec,
                              caf::timespan timeout,
                              const caf::strong_actor_ptr& sender) {
  auto refused = check_caller(spec, sender);
  if (!refused)
    refused = check_holder(req.holder, sender);
  if (!refused)
    refused = check_wait(timeout);
  if (refused) {
    answer_error(req, *refused);
    return;
  }
  auto resolved = resolve(spec, cfg);
  if (!resolved) {
    answer_error(req, resolved.error());
    return;
  }
  req.patience = patience_for(spec, cfg);
  req.arrived = now();
  req.deadline = req.arrived + timeout;
  if (!resolved->auto_place) {
    load_request probe{resolved->path, resolved->target, resolved->precision,
                       resolved->keep_saved};
    if (auto err = model_backend->check(probe)) {
      answer_error(req, *err);
      return;
    }
  }
  auto slot = slot_for(*resolved);
  if (!slot) {
    answer_error(req, to_failure(slot.error()));
    return;
  }
  record_acquire((*slot)->entry.rate, now(), cfg.rate_half_life);
  enqueue(**slot, std::move(req));
}

caf::typed_response_promise<model_info>
supervisor_state::preload(const model_spec& spec) {
  auto sender = self->current_sender();
  waiting_request req;
  req.kind = waiting_request::kind_t::preload;
  req.preload = self->make_response_promise<model_info>();
  auto rp = req.preload;
  if (auto err = check_caller(spec, sender)) {
    rp.deliver(make_error(*err));
    return rp;
  }
  auto resolved = resolve(spec, cfg);
  if (!resolved) {
    rp.deliver(make_error(resolved.error()));
    return rp;
  }
  req.patience = patience_for(spec, cfg);
  auto slot = slot_for(*resolved);
  if (!slot) {
    rp.deliver(slot.error());
    return rp;
  }
  enqueue(**slot, std::move(req));
  return rp;
}

void supervisor_state::enqueue(entry_slot& slot, waiting_request req) {
  auto& entry = slot.entry;
  req.id = next_waiter_id++;
  if (entry.state != entry_state::ready && req.deadline != time_point::max())
    self->delayed_send(self, req.deadline - now(), deadline_atom_v,
                       entry.spec.name, req.id);
  switch (entry.state) {
  case entry_state::ready:
    if (entry.location != entry.spec.target && !entry.moving)
      promote(slot);
    answer_ready(slot, req);
    return;
  case entry_state::failed:
    if (!may_retry(*entry.last_failure, now())) {
      answer_error(req, refusal(*entry.last_failure, now()));
      return;
    }
    add_waiter(slot, std::move(req));
    admit(slot);
    return;
  case entry_state::absent:
    add_waiter(slot, std::move(req));
    admit(slot);
    return;
  case entry_state::waiting:
    arm_deadline(entry.spec.name, req);
    add_waiter(slot, std::move(req));
    return;
  case entry_state::sizing:
  case entry_state::loading:
  case entry_state::unloading:
    add_waiter(slot, std::move(req));
    return;
  }
}

void supervisor_state::add_waiter(entry_slot& slot, waiting_request req) {
  if (req.caller) {
    watch(req.caller);
    watch(req.holder);
    req.watched = true;
  }
  req.queued = waiting_mark{metrics->acquires_waiting()};
  slot.waiting.push_back(std::move(req));
}

void supervisor_state::watch(const caf::actor_addr& whom) {
  if (!watches.add(whom))
    return;
  // Monitoring through an address whose actor is gone would touch a
  // destroyed actor: hold it first. One that is gone already gets the
  // down message CAF sends when monitoring a terminated actor.
  if (auto alive = caf::actor_cast<caf::strong_actor_ptr>(whom))
    self->monitor(alive);
  else
    caf::anon_send(caf::actor_cast<caf::actor>(self),
                   caf::down_msg{whom, caf::exit_reason::unknown});
}

void supervisor_state::unwatch(const caf::actor_addr& whom) {
  if (watches.remove(whom))
    self->demonitor(whom);
}

void supervisor_state::unwatch_waiter(waiting_request& req) {
  if (!req.watched)
    return;
  unwatch(req.caller);
  unwatch(req.holder);
  req.watched = false;
}

void supervisor_state::answer_ready(entry_slot& slot, waiting_request& req) {
  unwatch_waiter(req);
  if (req.kind == waiting_request::kind_t::preload) {
    req.preload.deliver(describe_slot(slot, now()));
    return;
  }
  if (!may_grant(now(), req.deadline)) {
    answer_error(req, past_deadline(slot.entry.spec.name));
    return;
  }
  auto granted = grant(slot, req.holder);
  metrics->acquire_granted(now() - req.arrived);
  if (req.kind == waiting_request::kind_t::acquire) {
    req.acquire.deliver(std::move(granted));
    return;
  }
  // The model actor answers the caller and gives the lease back with
  // `done`: the reference lasts exactly as long as the inference.
  runs[granted.id] = slot.model.address();
  req.run.delegate(slot.model, run_atom_v, granted.id, granted.token,
                   std::move(req.inputs));
}

void supervisor_state::answer_error(waiting_request& req, const failure& err) {
  unwatch_waiter(req);
  switch (req.kind) {
  case waiting_request::kind_t::preload:
    req.preload.deliver(make_error(err));
    return;
  case waiting_request::kind_t::acquire:
    refuse(req.acquire, make_error(err));
    return;
  case waiting_request::kind_t::run:
    metrics->acquire_refused(err.code);
    req.run.deliver(make_error(err));
    return;
  }
}

failure supervisor_state::past_deadline(const std::string& name) {
  return {errc::timeout, "the caller's deadline passed before model '" + name +
                             "' was ready: nothing was granted"};
}

lease supervisor_state::grant(entry_slot& slot, const caf::actor_addr& holder) {
  auto& entry = slot.entry;
  ++entry.refs;
  entry.last_access = now();
  if (holder && !leases.holds(holder))
    watch(holder);
  auto token = draw_lease_token();
  auto id =
      leases.grant(entry.spec.name, entry.instance, holder, slot.model, token);
  slot.series->references->set(entry.refs);
  metrics->leases_outstanding().set(static_cast<int64_t>(leases.size()));
  // A handle to the supervisor itself stays in its process; anyone else
  // releases through the gate, which takes nothing but client requests.
  auto owner = holder.node() == self->node()
                   ? caf::actor_cast<client_actor>(self)
                   : gate;
  return lease{id, entry.spec.name, slot.model, owner, token};
}

result<lease_ledger::record>
supervisor_state::take_back(uint64_t id, const lease_token& token) {
  auto sender = self->current_sender();
  return leases.release_if(id, token, [&](const caf::actor_addr& holder) {
    return acts_for(sender, holder);
  });
}

caf::result<uint32_t> supervisor_state::release(uint64_t id,
                                                const lease_token& token) {
  auto rec = take_back(id, token);
  if (!rec)
    return make_error(rec.error());
  return settle_returned(*rec);
}

void supervisor_state::give_back(uint64_t id, const lease_token& token) {
  auto rec = take_back(id, token);
  if (!rec) {
    auto sender = self->current_sender();
    metrics->release_refused(rec.error().code);
    supervisor_log()->warn("refused to take back lease {} from {}: {}", id,
                           sender ? to_string(sender->address())
                                  : std::string{"an anonymous sender"},
                           to_string(rec.error()));
    return;
  }
  settle_returned(*rec);
}

void supervisor_state::on_run_done(uint64_t id, const lease_token& token) {
  auto sender = self->current_sender();
  auto i = runs.find(id);
  if (i == runs.end() || !sender || sender->address() != i->second) {
    supervisor_log()->warn("dropped a run's end for lease {} that the model "
                           "actor of that run did not send",
                           id);
    return;
  }
  // The model actor passes on what the run came with: a forged run with
  // a wrong token must not take the real one's entry along.
  auto rec = leases.release_if(id, token, [](auto&) { return true; });
  if (!rec && rec.error().code == errc::not_permitted) {
    metrics->release_refused(rec.error().code);
    supervisor_log()->warn("refused the end of run {}: {}", id,
                           to_string(rec.error()));
    return;
  }
  runs.erase(i);
  // Unknown: its caller went down during the run and took it back.
  if (rec)
    settle_returned(*rec);
}

void supervisor_state::return_runs(const caf::actor_addr& model) {
  for (auto i = runs.begin(); i != runs.end();) {
    if (i->second != model) {
      ++i;
      continue;
    }
    auto rec = leases.revoke(i->first);
    i = runs.erase(i);
    if (rec)
      settle_returned(*rec);
  }
}

uint32_t supervisor_state::settle_returned(const lease_ledger::record& rec) {
  if (rec.holder && !leases.holds(rec.holder))
    unwatch(rec.holder);
  metrics->leases_outstanding().set(static_cast<int64_t>(leases.size()));
  settle_drain();
  if (rec.revoked) {
    if (leases.count(rec.model, rec.generation) == 0 &&
        retired_models.erase(rec.handle.address()) > 0)
      stop_model(rec.handle);
    return 0;
  }
  auto& slot = slots[rec.model];
  auto& entry = slot.entry;
  --entry.refs;
  slot.series->references->set(entry.refs);
  entry.last_access = now();
  if (entry.refs == 0) {
    if (!entry.idle_timer_armed && !entry.spec.pinned)
      arm_idle_timer(slot, cfg.idle_timeout);
    // The model just became evictable: worth a look only if loads wait.
    if (!room_queue.empty())
      room_freed(to_string(entry.location));
  }
  return entry.refs;
}

void supervisor_state::on_actor_down(const caf::down_msg& msg) {
  watches.forget(msg.source);
  if (auto i = abandoned.find(msg.source); i != abandoned.end()) {
    auto releasing = std::move(i->second);
    abandoned.erase(i);
    for (auto& [device, bytes] : releasing) {
      book(budgets.finish_release(device, bytes));
      supervisor_log()->info("an abandoned model actor ended: {} bytes back "
                             "on {}",
                             bytes, device);
    }
    for (auto& [device, bytes] : releasing)
      room_freed(device);
    return_runs(msg.source);
    return;
  }
  drop_waiters_of(msg.source);
  auto returned = leases.revoke_holder(msg.source);
  if (returned.empty())
    return;
  supervisor_log()->info("holder {} went down: returning {} lease(s)",
                         to_string(msg.source), returned.size());
  for (auto& rec : returned)
    settle_returned(rec);
}

void supervisor_state::drop_waiters_of(const caf::actor_addr& gone) {
  for (auto& [name, slot] : slots) {
    auto& waiting = slot.waiting;
    auto ended = std::stable_partition(
        waiting.begin(), waiting.end(), [&](const waiting_request& w) {
          return !w.watched || (w.caller != gone && w.holder != gone);
        });
    if (ended == waiting.end())
      continue;
    for (auto w = ended; w != waiting.end(); ++w) {
      if (w->caller == gone)
        unwatch_waiter(*w); // Nobody is left to answer.
      else
        answer_error(*w, {errc::holder_gone,
                          "the holder this acquire of '" + name +
                              "' named stopped before the grant: nothing "
                              "was granted"});
    }
    supervisor_log()->info("{} acquire(s) of '{}' lost their caller or "
                           "holder before the grant",
                           waiting.end() - ended, name);
    waiting.erase(ended, waiting.end());
    forget_if_unwanted(slot);
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
    result.push_back(describe_slot(slot, t));
  for (auto& [id, entry] : cfg.models)
    if (slots.count(id) == 0)
      result.push_back(describe_unused(id));
  return result;
}

caf::result<model_info> supervisor_state::info(const std::string& name) const {
  auto i = slots.find(name);
  if (i != slots.end())
    return describe_slot(i->second, now());
  if (cfg.models.count(name) > 0)
    return describe_unused(name);
  return make_error(not_known(name));
}

model_info supervisor_state::describe_slot(const entry_slot& slot,
                                           time_point t) const {
  auto out = describe(slot.entry, t);
  if (slot.series) {
    out.batches = slot.series->batches->value();
    out.batched_requests = slot.series->batched_requests->value();
  }
  return out;
}

model_info supervisor_state::describe_unused(const std::string& id) const {
  model_entry entry;
  auto resolved = resolve(model_spec::by_id(id), cfg);
  if (resolved) {
    entry.spec = *resolved;
  } else {
    auto& listed = cfg.models.at(id);
    entry.spec.name = id;
    entry.spec.id = id;
    entry.spec.path = listed.path;
    entry.spec.type = listed.type;
  }
  auto out = describe(entry, now());
  if (!resolved)
    out.last_error = "cannot be loaded: " + to_string(resolved.error());
  return out;
}

std::vector<device_budget> supervisor_state::devices() const {
  std::vector<device_budget> result;
  for (auto& [dev, b] : budgets.budgets())
    result.push_back(b);
  return result;
}

// -- lifetime -----------------------------------------------------------------

void supervisor_state::abandon(
    const model_actor& model,
    std::vector<std::pair<std::string, uint64_t>> releasing) {
  if (!model)
    return;
  retired_models.erase(model.address());
  abandoned[model.address()] = std::move(releasing);
  self->unlink_from(model);
  self->monitor(model);
  self->send_exit(model, caf::exit_reason::user_shutdown);
}

void supervisor_state::on_model_report(const std::string& name,
                                       const load_report& report) {
  auto i = slots.find(name);
  auto sender = self->current_sender();
  if (i == slots.end() || !i->second.model || !sender ||
      sender->address() != i->second.model.address()) {
    supervisor_log()->warn("dropped a model report for '{}' that its model "
                           "actor did not send",
                           name);
    return;
  }
  auto& entry = i->second.entry;
  if (entry.state != entry_state::ready)
    return;
  auto device = to_string(entry.location);
  auto shrank = report.bytes < entry.bytes;
  book(budgets.resize(device, entry.bytes, report.bytes));
  supervisor_log()->warn("'{}' now runs as saved ({} bytes instead of {}): {}",
                         name, report.bytes, entry.bytes, report.cast_note);
  entry.bytes = report.bytes;
  i->second.series->resident_bytes->set(static_cast<int64_t>(report.bytes));
  entry.precision = report.precision;
  entry.cast_note = report.cast_note;
  if (shrank)
    room_freed(device);
}

void supervisor_state::stop_model(const model_actor& model) {
  if (!model)
    return;
  self->unlink_from(model);
  self->send_exit(model, caf::exit_reason::user_shutdown);
}

bool supervisor_state::from_self() const {
  if (self->current_sender() == self->ctrl())
    return true;
  supervisor_log()->warn("dropped a timer message that another actor sent");
  return false;
}

void supervisor_state::on_exit(const caf::exit_msg& msg) {
  // An abandoned actor may have ended before it was unlinked.
  if (retired_models.count(msg.source) > 0 || abandoned.count(msg.source) > 0) {
    retired_models.erase(msg.source);
    return_runs(msg.source);
    return;
  }
  for (auto& [name, slot] : slots) {
    if (!slot.model || slot.model.address() != msg.source)
      continue;
    supervisor_log()->error("model actor of '{}' died: {}", name,
                            self->system().render(msg.reason));
    // A load in flight learns of the death through its request.
    if (slot.entry.state == entry_state::ready) {
      if (slot.entry.refs > 0)
        retire_leases(slot);
      slot.entry.refs = 0;
      slot.entry.moving = false;
      book(budgets.begin_release(to_string(slot.entry.location),
                                 slot.entry.bytes));
      enter(slot, entry_state::unloading);
      on_unloaded(name, slot.entry.instance, "its actor died");
    }
    // Its runs' callers got an error from CAF; their leases come back.
    return_runs(msg.source);
    return;
  }
  self->quit(msg.reason);
}

} // namespace cmm
