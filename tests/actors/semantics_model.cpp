#include "semantics_model.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace cmm::test {

namespace {

bool is_permanent(errc code) {
  return code == errc::model_not_found || code == errc::invalid_model_file;
}

errc failure_code(const std::string& fail) {
  if (fail == "corrupt")
    return errc::invalid_model_file;
  if (fail == "not_found")
    return errc::model_not_found;
  if (fail == "oom")
    return errc::out_of_memory;
  return errc::load_failed;
}

model_answer error(errc code) {
  model_answer ans;
  ans.code = code;
  return ans;
}

model_answer value(uint64_t x, std::string name = {}) {
  model_answer ans;
  ans.ok = true;
  ans.value = x;
  ans.name = std::move(name);
  return ans;
}

} // namespace

semantics_model::semantics_model(semantics_config cfg, time_point start)
    : cfg_(std::move(cfg)), now_(start) {
  budget_.capacity = cfg_.capacity;
  // Pinned models load at start, in catalog (name) order.
  std::vector<const model_def*> pinned;
  for (auto& def : cfg_.catalog)
    if (def.pinned)
      pinned.push_back(&def);
  std::sort(pinned.begin(), pinned.end(),
            [](auto* x, auto* y) { return x->name < y->name; });
  for (auto* def : pinned) {
    auto& e = entries_[def->name];
    e.def = def;
    admit(e);
  }
  settle();
}

// -- messages and timers ------------------------------------------------------

void semantics_model::post(std::function<void()> msg) {
  mailbox_.push_back(std::move(msg));
}

void semantics_model::request(std::function<void()> handler) {
  post(std::move(handler));
  if (!batching_)
    settle();
}

void semantics_model::begin_batch() {
  batching_ = true;
}

std::string semantics_model::worker_of(const entry& e) {
  return "model " + e.def->name + " " + std::to_string(e.instance);
}

void semantics_model::from_worker(const std::string& worker,
                                  std::function<void()> reply) {
  // The worker answers in its turn: the turn it waits for already, or a
  // new one after every other waiting worker's.
  auto i = std::find_if(workers_.begin(), workers_.end(),
                        [&](auto& w) { return w.first == worker; });
  if (i == workers_.end()) {
    workers_.emplace_back(worker, std::vector<std::function<void()>>{});
    i = std::prev(workers_.end());
  }
  i->second.push_back(std::move(reply));
}

bool semantics_model::handle_one() {
  // The supervisor empties its mailbox before any worker runs; a worker's
  // turn puts all it answers in the mailbox.
  if (mailbox_.empty()) {
    if (workers_.empty())
      return false;
    for (auto& reply : workers_.front().second)
      mailbox_.push_back(std::move(reply));
    workers_.pop_front();
  }
  auto msg = std::move(mailbox_.front());
  mailbox_.pop_front();
  msg();
  return true;
}

void semantics_model::deliver(size_t n) {
  while (n > 0 && handle_one())
    --n;
  // Every worker with a turn takes it; the answers wait in the mailbox.
  for (auto& [worker, replies] : workers_)
    for (auto& reply : replies)
      mailbox_.push_back(std::move(reply));
  workers_.clear();
}

void semantics_model::end_batch() {
  batching_ = false;
  settle();
}

void semantics_model::settle() {
  while (handle_one()) {
    // nop
  }
}

void semantics_model::arm(time_point due, bool idle, const std::string& name,
                          uint64_t arg) {
  timers_.push_back({due, next_timer_seq_++, idle, name, arg});
}

std::optional<time_point> semantics_model::next_timer() const {
  std::optional<time_point> result;
  for (auto& t : timers_)
    if (!result || t.due < *result)
      result = t.due;
  return result;
}

std::optional<time_point> semantics_model::next_idle_deadline() const {
  std::optional<time_point> result;
  for (auto& [name, e] : entries_) {
    auto deadline = e.last_access + cfg_.idle_timeout;
    if (e.state == entry_state::ready && e.refs == 0 && !e.def->pinned &&
        deadline > now_ && (!result || deadline < *result))
      result = deadline;
  }
  return result;
}

void semantics_model::advance(duration delta) {
  now_ += delta;
  // Every due timer fires at once, earliest (then first armed) first; what
  // they set off is handled after all of them, as in a mailbox.
  std::vector<timer> due;
  auto split = std::stable_partition(timers_.begin(), timers_.end(),
                                     [&](auto& t) { return t.due > now_; });
  due.assign(split, timers_.end());
  timers_.erase(split, timers_.end());
  std::sort(due.begin(), due.end(), [](auto& x, auto& y) {
    return x.due != y.due ? x.due < y.due : x.seq < y.seq;
  });
  for (auto& t : due) {
    if (t.idle)
      post([this, t] { on_idle_timer(t.name, t.arg); });
    else
      post([this, t] { on_deadline(t.name, t.arg); });
  }
  settle();
}

void semantics_model::skew(duration delta) {
  now_ += delta;
}

// -- acquiring ----------------------------------------------------------------

const model_def* semantics_model::find_def(const std::string& name) const {
  for (auto& def : cfg_.catalog)
    if (def.name == name)
      return &def;
  return nullptr;
}

void semantics_model::answer(request_id req, model_answer ans) {
  if (answers_.count(req) > 0)
    throw std::logic_error("request answered twice");
  answers_.emplace(req, std::move(ans));
}

void semantics_model::acquire(request_id req, const std::string& name,
                              holder_id holder, duration timeout,
                              uint64_t wait_ms) {
  request([=] { on_acquire(req, name, holder, timeout, wait_ms); });
}

void semantics_model::on_acquire(request_id req, const std::string& name,
                                 holder_id holder, duration timeout,
                                 uint64_t wait_ms) {
  if (draining_) {
    answer(req, error(errc::shutting_down));
    return;
  }
  auto def = find_def(name);
  if (!def) {
    answer(req, error(errc::unknown_model));
    return;
  }
  auto& e = entries_[name];
  e.def = def;
  waiter w;
  w.req = req;
  w.holder = holder;
  w.deadline = now_ + timeout;
  w.patience = wait_ms > 0 ? duration{std::chrono::milliseconds{wait_ms}}
                           : cfg_.admission_timeout;
  enqueue(e, std::move(w));
}

void semantics_model::enqueue(entry& e, waiter w) {
  w.id = next_waiter_id_++;
  // The caller's deadline is watched from the start unless the answer is
  // immediate.
  if (e.state != entry_state::ready)
    arm(w.deadline, false, e.def->name, w.id);
  switch (e.state) {
  case entry_state::ready:
    answer_ready(e, w);
    return;
  case entry_state::failed:
    if (now_ < e.last_failure->failed_at + e.last_failure->retry_after) {
      // Refused with the original error while the record stands.
      answer(w.req, error(e.last_failure->code));
      return;
    }
    e.waiting.push_back(std::move(w));
    admit(e);
    return;
  case entry_state::absent:
    e.waiting.push_back(std::move(w));
    admit(e);
    return;
  case entry_state::waiting:
    // A request joining a wait for room gets its own patience.
    e.waiting.push_back(std::move(w));
    arm_room_deadline(e, e.waiting.back());
    return;
  case entry_state::sizing:
  case entry_state::loading:
  case entry_state::unloading:
    e.waiting.push_back(std::move(w));
    return;
  }
}

void semantics_model::answer_ready(entry& e, const waiter& w) {
  // Nothing is granted once the caller stopped waiting.
  if (now_ < w.deadline)
    answer(w.req, value(grant(e, w.holder), e.def->name));
  else
    answer(w.req, error(errc::timeout));
}

bool semantics_model::holds(holder_id holder) const {
  for (auto& [id, rec] : leases_)
    if (rec.holder == holder)
      return true;
  return false;
}

uint64_t semantics_model::grant(entry& e, holder_id holder) {
  ++e.refs;
  e.last_access = now_;
  // A lease granted to a holder that is already gone comes back as soon as
  // the supervisor learns of it (its monitor reports the death at once).
  if (dead_holders_.count(holder) > 0 && !holds(holder))
    post([this, holder] { on_holder_down(holder); });
  auto id = next_lease_id_++;
  leases_[id] = {e.def->name, e.instance, holder, false};
  return id;
}

void semantics_model::release(request_id req, uint64_t id, bool token_ok) {
  request([=] { on_release(req, id, token_ok); });
}

void semantics_model::on_release(request_id req, uint64_t id, bool token_ok) {
  auto i = leases_.find(id);
  if (i == leases_.end()) {
    answer(req, error(errc::unknown_lease));
    return;
  }
  if (!token_ok) {
    answer(req, error(errc::not_permitted));
    return;
  }
  auto rec = i->second;
  leases_.erase(i);
  answer(req, value(settle_returned(rec)));
}

uint32_t semantics_model::settle_returned(const lease_record& rec) {
  settle_drain();
  // A lease revoked by a forced unload only settles accounts.
  if (rec.revoked)
    return 0;
  auto& e = entries_.at(rec.name);
  --e.refs;
  e.last_access = now_;
  if (e.refs == 0) {
    if (!e.idle_timer_armed && !e.def->pinned)
      arm_idle_timer(e, cfg_.idle_timeout);
    // The model just became evictable: loads waiting for room look again.
    if (!room_queue_.empty())
      room_freed();
  }
  return e.refs;
}

void semantics_model::drain(request_id req) {
  request([=] {
    draining_ = true;
    drain_requests_.push_back(req);
    settle_drain();
  });
}

void semantics_model::settle_drain() {
  if (!draining_ || !leases_.empty())
    return;
  for (auto req : drain_requests_)
    answer(req, value(0));
  drain_requests_.clear();
}

void semantics_model::holder_down(holder_id holder) {
  dead_holders_.insert(holder);
  request([=] { on_holder_down(holder); });
}

void semantics_model::on_holder_down(holder_id holder) {
  // Acquires naming it end first (every caller here names a holder), in
  // entry order, then its leases come back in the order they were granted.
  for (auto& [name, e] : entries_) {
    auto named = std::stable_partition(
        e.waiting.begin(), e.waiting.end(),
        [&](const waiter& w) { return w.holder != holder; });
    if (named == e.waiting.end())
      continue;
    for (auto w = named; w != e.waiting.end(); ++w)
      answer(w->req, error(errc::holder_gone));
    e.waiting.erase(named, e.waiting.end());
    forget_if_unwanted(e);
  }
  std::vector<lease_record> returned;
  for (auto i = leases_.begin(); i != leases_.end();) {
    if (i->second.holder == holder) {
      returned.push_back(i->second);
      i = leases_.erase(i);
    } else {
      ++i;
    }
  }
  for (auto& rec : returned)
    settle_returned(rec);
}

void semantics_model::caller_down(request_id req) {
  request([=] { on_caller_down(req); });
}

void semantics_model::on_caller_down(request_id req) {
  for (auto& [name, e] : entries_) {
    auto gone = std::remove_if(e.waiting.begin(), e.waiting.end(),
                               [&](auto& w) { return w.req == req; });
    if (gone == e.waiting.end())
      continue;
    e.waiting.erase(gone, e.waiting.end());
    forget_if_unwanted(e);
  }
}

bool semantics_model::is_loaded(const std::string& name) const {
  auto i = entries_.find(name);
  return i != entries_.end() && i->second.state == entry_state::ready;
}

bool semantics_model::reset(const std::string& name) {
  auto i = entries_.find(name);
  if (i == entries_.end() || i->second.state != entry_state::failed)
    return false;
  i->second.state = entry_state::absent;
  i->second.last_failure.reset();
  return true;
}

// -- admission and loading ----------------------------------------------------

void semantics_model::admit(entry& e) {
  // An entry waiting for room knows its size; any other is sized first.
  if (e.state == entry_state::waiting) {
    decide(e);
    return;
  }
  e.state = entry_state::sizing;
  auto name = e.def->name;
  from_worker("sizer " + name + " " + std::to_string(++sizings_),
              [this, name] { on_sized(name); });
}

void semantics_model::on_sized(const std::string& name) {
  auto& e = entries_.at(name);
  if (e.state != entry_state::sizing)
    return;
  e.estimate = e.def->bytes;
  decide(e);
}

std::vector<std::string>
semantics_model::idle_models(const std::string& except) const {
  std::vector<std::string> result;
  for (auto& [name, e] : entries_)
    if (e.state == entry_state::ready && e.refs == 0 && !e.def->pinned &&
        name != except)
      result.push_back(name);
  return result;
}

void semantics_model::decide(entry& e) {
  auto need = e.estimate;
  if (need > budget_.capacity) {
    // Larger than the whole device: fails at once, never waits.
    fail_waiters(e, errc::insufficient_memory);
    e.state = entry_state::absent;
    return;
  }
  auto taken = budget_.used + budget_.reserved;
  auto free = taken < budget_.capacity ? budget_.capacity - taken : 0;
  if (need <= free) {
    start_load(e);
    return;
  }
  auto missing = need - free;
  // Unloads in flight count toward the room; if they are not enough, idle
  // unpinned models go, least recently used first (ties by name), but only
  // if together they free enough.
  if (missing > budget_.releasing) {
    auto still = missing - budget_.releasing;
    auto idle = idle_models(e.def->name);
    std::sort(idle.begin(), idle.end(), [&](auto& x, auto& y) {
      auto& a = entries_.at(x);
      auto& b = entries_.at(y);
      return a.last_access != b.last_access ? a.last_access < b.last_access
                                            : x < y;
    });
    std::vector<std::string> victims;
    uint64_t freed = 0;
    for (auto& name : idle) {
      if (freed >= still)
        break;
      victims.push_back(name);
      freed += entries_.at(name).bytes;
    }
    if (freed >= still)
      for (auto& name : victims)
        begin_unload(entries_.at(name), false);
  }
  wait_for_room(e);
}

void semantics_model::wait_for_room(entry& e) {
  // An acquire that waits for room waits at most its patience (README,
  // "Admission"), whatever path led to the wait (the property test found
  // the supervisor forgetting this after an out-of-memory retry, seed
  // 20261145).
  e.state = entry_state::waiting;
  for (auto& w : e.waiting)
    arm_room_deadline(e, w);
  room_queue_.push_back(e.def->name);
  forget_if_unwanted(e);
}

void semantics_model::arm_room_deadline(entry& e, waiter& w) {
  // Armed once: waiting again never extends it.
  if (w.room_deadline)
    return;
  w.room_deadline = now_ + w.patience;
  arm(*w.room_deadline, false, e.def->name, w.id);
}

void semantics_model::on_deadline(const std::string& name, uint64_t waiter_id) {
  auto i = entries_.find(name);
  if (i == entries_.end())
    return;
  auto& e = i->second;
  auto j = std::find_if(e.waiting.begin(), e.waiting.end(),
                        [&](auto& w) { return w.id == waiter_id; });
  if (j == e.waiting.end())
    return;
  if (!(now_ < j->deadline)) {
    // The caller's deadline comes first when both have passed.
    answer(j->req, error(errc::timeout));
  } else if (e.state == entry_state::waiting && j->room_deadline &&
             now_ >= *j->room_deadline) {
    answer(j->req, error(errc::insufficient_memory));
  } else {
    return;
  }
  e.waiting.erase(j);
  forget_if_unwanted(e);
}

void semantics_model::forget_if_unwanted(entry& e) {
  // Nobody waits for it any more: it stops waiting for room. A pinned
  // model keeps waiting: it is wanted by the configuration.
  if (!e.waiting.empty() || e.state != entry_state::waiting || e.def->pinned)
    return;
  e.state = entry_state::absent;
  room_queue_.erase(
      std::remove(room_queue_.begin(), room_queue_.end(), e.def->name),
      room_queue_.end());
}

void semantics_model::room_freed() {
  // Every entry waiting for room decides again, oldest first.
  auto queue = std::move(room_queue_);
  room_queue_.clear();
  for (auto& name : queue) {
    auto& e = entries_.at(name);
    if (e.state == entry_state::waiting)
      admit(e);
  }
}

void semantics_model::start_load(entry& e) {
  e.state = entry_state::loading;
  ++e.instance;
  ++e.load_count;
  e.idle_timer_armed = false;
  e.reserved = e.estimate;
  budget_.reserved += e.reserved;
  auto attempt = ++attempts_[e.def->name];
  auto name = e.def->name;
  auto instance = e.instance;
  if (!e.def->fail.empty() && attempt <= e.def->fail_times) {
    auto code = failure_code(e.def->fail);
    from_worker(worker_of(e), [this, name, instance, code] {
      on_load_failed(name, instance, code);
    });
  } else {
    from_worker(worker_of(e),
                [this, name, instance] { on_loaded(name, instance); });
  }
}

void semantics_model::on_loaded(const std::string& name, uint64_t instance) {
  auto& e = entries_.at(name);
  if (e.instance != instance || e.state != entry_state::loading)
    return;
  e.state = entry_state::ready;
  budget_.reserved -= e.reserved;
  e.reserved = 0;
  e.bytes = e.def->bytes;
  budget_.used += e.bytes;
  ++budget_.resident;
  e.last_failure.reset();
  e.oom_retried = false;
  e.last_access = now_;
  auto waiting = std::move(e.waiting);
  e.waiting.clear();
  for (auto& w : waiting)
    answer_ready(e, w);
  if (e.refs == 0 && !e.def->pinned)
    arm_idle_timer(e, cfg_.idle_timeout);
  room_freed();
}

void semantics_model::on_load_failed(const std::string& name, uint64_t instance,
                                     errc code) {
  auto& e = entries_.at(name);
  if (e.instance != instance || e.state != entry_state::loading)
    return;
  budget_.reserved -= e.reserved;
  e.reserved = 0;
  if (code == errc::out_of_memory && !e.oom_retried) {
    // Out of memory: every idle model on the device goes, then one retry,
    // once their memory is back.
    e.oom_retried = true;
    for (auto& victim : idle_models(name))
      begin_unload(entries_.at(victim), false);
    e.state = entry_state::waiting;
    room_queue_.push_back(name);
    if (budget_.releasing == 0)
      room_freed();
    return;
  }
  auto previous = e.last_failure ? e.last_failure->consecutive : 0;
  failure_record rec;
  rec.code = code;
  rec.failed_at = now_;
  rec.consecutive = previous + 1;
  if (is_permanent(code)) {
    rec.retry_after = cfg_.permanent_retry;
  } else {
    auto backoff = cfg_.transient_base;
    for (uint32_t k = 1; k < rec.consecutive && backoff < cfg_.transient_max;
         ++k)
      backoff *= 2;
    rec.retry_after = std::min(backoff, cfg_.transient_max);
  }
  e.last_failure = rec;
  e.oom_retried = false;
  e.state = entry_state::failed;
  fail_waiters(e, code);
  room_freed();
}

void semantics_model::fail_waiters(entry& e, errc code) {
  auto waiting = std::move(e.waiting);
  e.waiting.clear();
  for (auto& w : waiting)
    answer(w.req, error(code));
}

// -- unloading ----------------------------------------------------------------

bool semantics_model::begin_unload(entry& e, bool force) {
  if (e.state != entry_state::ready)
    return false;
  if (e.refs > 0 && !force)
    return false;
  if (e.refs > 0)
    for (auto& [id, rec] : leases_)
      if (rec.name == e.def->name)
        rec.revoked = true;
  e.refs = 0;
  e.state = entry_state::unloading;
  budget_.releasing += e.bytes;
  auto name = e.def->name;
  auto instance = e.instance;
  from_worker(worker_of(e),
              [this, name, instance] { on_unloaded(name, instance); });
  return true;
}

void semantics_model::on_unloaded(const std::string& name, uint64_t instance) {
  auto& e = entries_.at(name);
  if (e.instance != instance)
    return;
  budget_.used -= e.bytes;
  budget_.releasing -= e.bytes;
  --budget_.resident;
  e.state = entry_state::absent;
  e.bytes = 0;
  auto callbacks = std::move(e.on_absent);
  e.on_absent.clear();
  for (auto& f : callbacks)
    f();
  // Acquires that arrived during the unload load the model anew.
  if (!e.waiting.empty())
    admit(e);
  room_freed();
}

void semantics_model::unload(request_id req, const std::string& name,
                             bool force) {
  request([=] { on_unload(req, name, force); });
}

void semantics_model::on_unload(request_id req, const std::string& name,
                                bool force) {
  auto i = entries_.find(name);
  if (i == entries_.end()) {
    answer(req, value(0));
    return;
  }
  auto& e = i->second;
  if (force &&
      (e.state == entry_state::loading || e.state == entry_state::sizing ||
       e.state == entry_state::waiting)) {
    cancel_load(e);
    answer(req, value(1));
    return;
  }
  // An unload answers once the model is gone, also when another unload
  // had already started it.
  if (e.state == entry_state::unloading || begin_unload(e, force))
    e.on_absent.push_back([this, req] { answer(req, value(1)); });
  else
    answer(req, value(0));
}

void semantics_model::cancel_load(entry& e) {
  // A forced unload cancels an admission under way: its waiters get
  // `model_unloaded` and the entry is absent at once. What a load may hold
  // counts as releasing until its actor, told to exit, has ended.
  if (e.state != entry_state::loading) {
    e.state = entry_state::absent;
    room_queue_.erase(
        std::remove(room_queue_.begin(), room_queue_.end(), e.def->name),
        room_queue_.end());
    fail_waiters(e, errc::model_unloaded);
    return;
  }
  auto bytes = e.reserved;
  e.reserved = 0;
  budget_.reserved -= bytes;
  budget_.used += bytes;
  budget_.releasing += bytes;
  ++budget_.resident;
  e.state = entry_state::absent;
  fail_waiters(e, errc::model_unloaded);
  from_worker(worker_of(e), [this, bytes] {
    budget_.used -= bytes;
    budget_.releasing -= bytes;
    --budget_.resident;
    room_freed();
  });
}

void semantics_model::unload_all(request_id req, bool force) {
  request([=] { on_unload_all(req, force); });
}

void semantics_model::on_unload_all(request_id req, bool force) {
  // Answers once every unload it started has finished.
  auto count = std::make_shared<uint64_t>(0);
  auto left = std::make_shared<uint64_t>(1);
  auto done = [this, req, count, left] {
    if (--*left == 0)
      answer(req, value(*count));
  };
  for (auto& [name, e] : entries_) {
    if (begin_unload(e, force)) {
      ++*count;
      ++*left;
      e.on_absent.push_back(done);
    }
  }
  done();
}

void semantics_model::cleanup(request_id req) {
  request([=] { on_cleanup(req); });
}

void semantics_model::on_cleanup(request_id req) {
  // Unloads the unpinned models idle for the whole timeout; answers once
  // they are gone.
  auto names = std::make_shared<std::vector<std::string>>();
  auto left = std::make_shared<uint64_t>(1);
  auto done = [this, req, names, left] {
    if (--*left > 0)
      return;
    auto ans = value(0);
    ans.names = *names;
    answer(req, ans);
  };
  for (auto& [name, e] : entries_) {
    if (e.def->pinned || e.state != entry_state::ready || e.refs > 0 ||
        now_ < e.last_access + cfg_.idle_timeout)
      continue;
    if (begin_unload(e, false)) {
      names->push_back(name);
      ++*left;
      e.on_absent.push_back(done);
    }
  }
  done();
}

void semantics_model::arm_idle_timer(entry& e, duration delay) {
  // One timer per entry, not one per release; it carries the instance, so
  // a timer of an unloaded instance does nothing.
  e.idle_timer_armed = true;
  arm(now_ + delay, true, e.def->name, e.instance);
}

void semantics_model::on_idle_timer(const std::string& name,
                                    uint64_t instance) {
  auto& e = entries_.at(name);
  if (e.instance == instance)
    e.idle_timer_armed = false;
  if (e.def->pinned || e.instance != instance ||
      e.state != entry_state::ready || e.refs > 0)
    return;
  auto deadline = e.last_access + cfg_.idle_timeout;
  // Idle for the whole timeout: unload; used since: wait for the rest.
  if (now_ >= deadline)
    begin_unload(e, false);
  else
    arm_idle_timer(e, deadline - now_);
}

// -- what the supervisor reports ----------------------------------------------

std::map<std::string, model_row> semantics_model::rows() const {
  std::map<std::string, model_row> result;
  for (auto& def : cfg_.catalog) {
    model_row row;
    row.state = "absent";
    row.pinned = def.pinned;
    result[def.name] = row;
  }
  for (auto& [name, e] : entries_) {
    auto& row = result[name];
    row.state = to_string(e.state);
    row.refs = e.refs;
    row.bytes = e.bytes;
    row.load_count = e.load_count;
    row.pinned = e.def->pinned;
    if (e.state == entry_state::ready && e.refs == 0)
      row.idle_seconds =
          std::chrono::duration<double>(now_ - e.last_access).count();
    row.last_error = e.last_failure ? e.last_failure->code : errc::none;
  }
  return result;
}

std::map<uint64_t, std::string> semantics_model::leases() const {
  std::map<uint64_t, std::string> result;
  for (auto& [id, rec] : leases_)
    result[id] = rec.name;
  return result;
}

bool semantics_model::revoked(uint64_t id) const {
  auto i = leases_.find(id);
  return i != leases_.end() && i->second.revoked;
}

} // namespace cmm::test
