#include <algorithm>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/duration_text.hpp"
#include "cmm/error.hpp"
#include "cmm/model_actor.hpp"
#include "cmm/placement.hpp"
#include "cmm/waiter_expiry.hpp"
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

/// Sizes a model's files, on a thread of its own when detached: a file on a
/// stalled mount must not stall the supervisor.
caf::behavior file_sizer(caf::event_based_actor* self, backend_ptr sizes_with,
                         std::vector<load_request> files) {
  return {
      [self, sizes_with, files](estimate_atom) {
        std::vector<uint64_t> bytes;
        for (auto& file : files)
          bytes.push_back(sizes_with->estimate_bytes(file));
        self->quit();
        return bytes;
      },
  };
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

bool supervisor_state::place(entry_slot& slot, uint64_t bytes) {
  auto& spec = slot.entry.spec;
  // Visible accelerators count even before anything used them: this gives
  // them their default budgets.
  for (auto& dev : model_backend->visible_devices())
    if (dev.kind == spec.target.kind)
      budget_for(dev);
  std::vector<device_budget> candidates;
  for (auto& [dev, b] : budgets.budgets()) {
    auto parsed = parse_device(dev);
    if (parsed && parsed->kind == spec.target.kind && parsed->index >= 0)
      candidates.push_back(b);
  }
  auto chosen = place_best_fit(candidates, bytes);
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
  if (slot.entry.state == entry_state::waiting)
    decide(slot, false);
  else
    size_files(slot);
}

void supervisor_state::size_files(entry_slot& slot) {
  auto& entry = slot.entry;
  if (!enter(slot, entry_state::sizing))
    return;
  // Estimates depend on the device's kind, not its index, so placing an
  // `auto` entry afterwards keeps them valid.
  std::vector<load_request> files;
  for (auto& variant : variants_of(entry.spec))
    files.push_back({variant.path, entry.spec.target, entry.spec.precision,
                     entry.spec.keep_saved});
  auto sizer = cfg.detached_workers
                   ? self->spawn<caf::detached>(file_sizer, model_backend,
                                                std::move(files))
                   : self->spawn(file_sizer, model_backend, std::move(files));
  auto name = entry.spec.name;
  self->request(sizer, cfg.size_timeout, estimate_atom_v)
      .then(
          [this, name](const std::vector<uint64_t>& bytes) {
            on_sized(name, bytes);
          },
          [this, name](const caf::error& err) { on_sizing_failed(name, err); });
}

void supervisor_state::on_sized(const std::string& name,
                                const std::vector<uint64_t>& bytes) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.state != entry_state::sizing)
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  auto variants = variants_of(entry.spec);
  slot.sizes.clear();
  for (size_t k = 0; k < variants.size(); ++k)
    slot.sizes.push_back({variants[k], k < bytes.size() ? bytes[k] : 0});
  // Callers that gave up meanwhile do not stop a load that fits (it goes
  // on, as one under way does), but nobody waits for room for them.
  decide(slot, true);
}

void supervisor_state::on_sizing_failed(const std::string& name,
                                        const caf::error& err) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.state != entry_state::sizing)
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  auto cause = to_failure(err);
  auto why =
      cause.code == errc::timeout
          ? failure{errc::timeout,
                    "reading the files of '" + name + "' to size them took " +
                        "longer than cmm.size-timeout (" +
                        std::to_string(
                            std::chrono::duration_cast<
                                std::chrono::milliseconds>(cfg.size_timeout)
                                .count()) +
                        " ms): is '" + entry.spec.path +
                        "' on a stalled mount, or not a regular file?"}
          : cause;
  supervisor_log()->warn("{}", why.message);
  fail_waiters(slot, why);
  enter(slot, entry_state::absent);
}

void supervisor_state::decide(entry_slot& slot, bool fresh) {
  auto& entry = slot.entry;
  auto& spec = entry.spec;
  auto& variants = slot.sizes;
  if (spec.auto_place && fresh && !place(slot, variants.front().bytes)) {
    enter(slot, entry_state::absent);
    return;
  }
  auto& b = budget_for(spec.target);
  auto decision =
      decide_admission(b, variants, idle_on(b.device, spec.name), cfg.policy);
  auto& chosen = variants[decision.variant];
  switch (decision.action) {
  case admission::load:
    start_load(slot, chosen.variant, chosen.bytes);
    return;
  case admission::evict_then_load:
    for (auto& victim : decision.victims)
      if (begin_unload(slots[victim], "evicted", false))
        metrics->evicted(b.device, cfg.policy);
    [[fallthrough]];
  case admission::wait:
    wait_for_room(slot, no_room(spec.name, chosen.bytes, b));
    return;
  case admission::never_fits:
    auto err = never_fits(spec.name, chosen.bytes, b);
    supervisor_log()->warn("{}", err.message);
    fail_waiters(slot, err);
    enter(slot, entry_state::absent);
    return;
  }
}

void supervisor_state::wait_for_room(entry_slot& slot, const failure& why) {
  auto& entry = slot.entry;
  if (entry.state != entry_state::waiting) {
    supervisor_log()->info("{}: waiting for room", why.message);
    enter(slot, entry_state::waiting);
  }
  // Every request's patience runs from the first time it waits for room,
  // whichever way the entry came to wait (an out-of-memory retry enters
  // `waiting` without admission); arming is once per request, so retries
  // never extend it.
  for (auto& req : slot.waiting)
    arm_deadline(entry.spec.name, req);
  room_queue[to_string(entry.spec.target)].push_back(entry.spec.name);
  forget_if_unwanted(slot);
}

void supervisor_state::arm_deadline(const std::string& name,
                                    waiting_request& req) {
  if (req.room_deadline)
    return;
  req.room_deadline = now() + req.patience;
  self->delayed_send(self, req.patience, deadline_atom_v, name, req.id);
}

void supervisor_state::on_deadline(const std::string& name,
                                   uint64_t waiter_id) {
  auto i = slots.find(name);
  if (i == slots.end())
    return;
  auto& slot = i->second;
  auto& entry = slot.entry;
  auto j = std::find_if(slot.waiting.begin(), slot.waiting.end(),
                        [&](auto& w) { return w.id == waiter_id; });
  if (j == slot.waiting.end())
    return;
  auto waiting_for_room = entry.state == entry_state::waiting;
  switch (expire_waiter(now(), j->deadline,
                        waiting_for_room ? j->room_deadline : std::nullopt)) {
  case waiter_expiry::none:
    return;
  case waiter_expiry::caller_deadline:
    answer_error(*j, past_deadline(name));
    break;
  case waiter_expiry::no_room: {
    // The admission that made it wait sized the preferred file first.
    auto err =
        no_room(name, slot.sizes.front().bytes, budget_for(entry.spec.target));
    supervisor_log()->warn("{}: gave up waiting", err.message);
    answer_error(*j, err);
    break;
  }
  }
  slot.waiting.erase(j);
  forget_if_unwanted(slot);
}

void supervisor_state::forget_if_unwanted(entry_slot& slot) {
  auto& entry = slot.entry;
  if (!slot.waiting.empty() || entry.state != entry_state::waiting ||
      entry.spec.pinned)
    return;
  enter(slot, entry_state::absent);
  leave_room_queue(slot);
}

void supervisor_state::leave_room_queue(entry_slot& slot) {
  auto& entry = slot.entry;
  auto i = room_queue.find(to_string(entry.spec.target));
  if (i == room_queue.end())
    return;
  auto& queue = i->second;
  queue.erase(std::remove(queue.begin(), queue.end(), entry.spec.name),
              queue.end());
  if (queue.empty())
    room_queue.erase(i);
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
  if (!enter(slot, entry_state::loading))
    return;
  ++entry.instance;
  ++entry.load_count;
  entry.idle_timer_armed = false;
  entry.variant = variant.label;
  entry.location = entry.spec.target;
  entry.reserved_bytes = estimate;
  book(budgets.reserve(budget_for(entry.location).device, estimate));
  model_actor_setup setup;
  setup.request = {variant.path, entry.spec.target, entry.spec.precision,
                   entry.spec.keep_saved};
  setup.entry_name = entry.spec.name;
  setup.warmup = entry.spec.warmup;
  setup.limits = cfg.limits;
  setup.on_cast_failure = cfg.on_cast_failure;
  setup.metrics = metrics;
  setup.series = slot.series;
  setup.batch = entry.spec.batch;
  auto me = self->address();
  if (cfg.detached_workers)
    slot.model = self->spawn<caf::detached + caf::linked>(
        model_actor_impl, me, model_backend, std::move(setup));
  else
    slot.model = self->spawn<caf::linked>(model_actor_impl, me, model_backend,
                                          std::move(setup));
  auto name = entry.spec.name;
  auto instance = entry.instance;
  self->request(slot.model, entry.spec.load_timeout, load_atom_v)
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
  auto slot_ptr = loading_slot(name, instance);
  if (!slot_ptr)
    return;
  auto& slot = *slot_ptr;
  auto& entry = slot.entry;
  enter(slot, entry_state::ready);
  auto device = to_string(entry.location);
  book(budgets.commit(device, entry.reserved_bytes, report.bytes));
  entry.reserved_bytes = 0;
  entry.bytes = report.bytes;
  entry.precision = report.precision;
  entry.load_time = report.load_time;
  entry.warmup_time = report.warmup_time;
  entry.cast_note = report.cast_note;
  entry.rss_growth = report.rss_growth;
  entry.signature = {report.inputs, report.outputs};
  slot.series->loads->add();
  slot.series->load_duration->observe(report.load_time + report.warmup_time);
  slot.series->resident_bytes->set(static_cast<int64_t>(report.bytes));
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
  room_freed(device);
}

void supervisor_state::on_load_failed(const std::string& name,
                                      uint64_t instance,
                                      const caf::error& err) {
  auto slot_ptr = loading_slot(name, instance);
  if (!slot_ptr)
    return;
  auto& slot = *slot_ptr;
  auto& entry = slot.entry;
  auto cause = to_failure(err);
  auto device = to_string(entry.location);
  auto timed_out = err == caf::sec::request_timeout;
  metrics->load_failed(*slot.series,
                       timed_out ? errc::load_timeout : cause.code);
  if (timed_out) {
    cause = {errc::load_timeout,
             "loading '" + name + "' did not finish within " +
                 to_text(std::chrono::duration_cast<std::chrono::milliseconds>(
                     entry.spec.load_timeout)) +
                 " (cmm.load-timeout, or the catalog entry's load-timeout=): "
                 "is '" +
                 entry.spec.path +
                 "' on a stalled mount, or not a regular file? Its memory "
                 "counts as releasing until the load gives up"};
    book(budgets.abandon(device, entry.reserved_bytes));
    abandon(slot.model, {{device, entry.reserved_bytes}});
  } else {
    book(budgets.cancel(device, entry.reserved_bytes));
    stop_model(slot.model);
  }
  entry.reserved_bytes = 0;
  slot.model = nullptr;
  if (cause.code == errc::out_of_memory && !entry.oom_retried) {
    // Evict every idle model on the device, then try once more.
    entry.oom_retried = true;
    supervisor_log()->warn("loading '{}' ran out of memory on {}: evicting "
                           "idle models and retrying once",
                           name, device);
    for (auto& victim : idle_on(device, name))
      if (begin_unload(slots[victim.name], "evicted after out of memory",
                       false))
        metrics->evicted(device, cfg.policy);
    enter(slot, entry_state::waiting);
    room_queue[device].push_back(name);
    if (budget_for(entry.location).releasing == 0)
      room_freed(device);
    return;
  }
  uint32_t previous = entry.last_failure ? entry.last_failure->consecutive : 0;
  entry.last_failure = record_failure(cfg.retry, cause, now(), previous);
  entry.oom_retried = false;
  enter(slot, entry_state::failed);
  supervisor_log()->warn("load of '{}' failed ({}); not retried for {} s", name,
                         to_string(cause),
                         std::chrono::duration_cast<std::chrono::seconds>(
                             entry.last_failure->retry_after)
                             .count());
  fail_waiters(slot, cause);
  room_freed(device);
}

entry_slot* supervisor_state::loading_slot(const std::string& name,
                                           uint64_t instance) {
  auto i = slots.find(name);
  if (i == slots.end() || i->second.entry.instance != instance ||
      i->second.entry.state != entry_state::loading)
    return nullptr;
  return &i->second;
}

bool supervisor_state::cancel_load(entry_slot& slot) {
  auto& entry = slot.entry;
  switch (entry.state) {
  case entry_state::sizing:
    // Its sizer's answer will find the entry no longer sizing.
    break;
  case entry_state::waiting:
    leave_room_queue(slot);
    break;
  case entry_state::loading: {
    auto device = to_string(entry.location);
    book(budgets.abandon(device, entry.reserved_bytes));
    abandon(slot.model, {{device, entry.reserved_bytes}});
    entry.reserved_bytes = 0;
    slot.model = nullptr;
    break;
  }
  default:
    return false;
  }
  enter(slot, entry_state::absent);
  supervisor_log()->warn("cancelled the load of '{}' (forced unload)",
                         entry.spec.name);
  fail_waiters(
      slot, {errc::model_unloaded, "the load of '" + entry.spec.name +
                                       "' was cancelled by a forced unload"});
  return true;
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
  enter(i->second, entry_state::absent);
  i->second.entry.last_failure.reset();
  supervisor_log()->info("reset the failure record of '{}'", name);
  return true;
}

} // namespace cmm
