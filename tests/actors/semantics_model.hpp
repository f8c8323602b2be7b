// A plain sequential model of what the supervisor promises for simulated
// models on one budgeted device: the seed's semantics (acquire, release,
// unload with or without force, cleanup, is_loaded) plus this project's
// rules (leases with holders, idle timers, LRU eviction, waiting for room
// with patience, failure records with back-off, reset, drain). It knows no
// actor: a request is a call whose answer the model records, and what the
// supervisor would learn later from its workers (a file sizer's size, a
// model actor's load or free) or from its clock (idle and deadline timers)
// is a message in the model's own mailbox, in the order the supervisor gets
// it: a worker answers once the mailbox is empty, workers in the order they
// were first asked, which is how CAF's deterministic scheduler runs them.
// After each call the model is quiescent, as the supervisor is after the
// scheduler has delivered everything, unless requests are batched: then
// they queue up behind each other and behind what earlier ones set off, and
// only `deliver` handles part of the queue before `end_batch` handles the
// rest, as with requests that arrive together in the supervisor's mailbox.
//
// The model promises to state the intended semantics (README, the existing
// actor tests), not to copy the supervisor's code: where the two could
// differ, the comment at that rule says what the model takes and why.

#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cmm/clock.hpp"
#include "cmm/entry_state.hpp"
#include "cmm/errc.hpp"

namespace cmm::test {

/// One simulated catalog model on the model's single device.
struct model_def {
  std::string name;
  uint64_t bytes = 0;
  bool pinned = false;
  /// Empty, `corrupt` or `oom`, as in a `sim://` path.
  std::string fail;
  /// With `fail`: the first `fail_times` load attempts fail.
  uint32_t fail_times = UINT32_MAX;
};

/// What the model is told about the manager it stands for.
struct semantics_config {
  uint64_t capacity = 0;
  duration idle_timeout{0};
  duration admission_timeout{0};
  /// Failure records: permanent kinds stand this long, transient ones back
  /// off from `transient_base`, doubling, up to `transient_max`.
  duration permanent_retry = std::chrono::hours{1};
  duration transient_base = std::chrono::seconds{5};
  duration transient_max = std::chrono::minutes{5};
  std::vector<model_def> catalog;
};

/// The answer to a request: a value (a lease id, a count) or an error.
struct model_answer {
  bool ok = false;
  uint64_t value = 0;
  errc code = errc::none;
  /// For a granted lease: the entry it is on.
  std::string name;
  /// For a cleanup: the models it unloaded.
  std::vector<std::string> names;

  bool operator==(const model_answer& other) const {
    return ok == other.ok && value == other.value && code == other.code &&
           name == other.name && names == other.names;
  }
};

/// What `list` reports about one model, as far as the model predicts it.
struct model_row {
  std::string state;
  uint32_t refs = 0;
  uint64_t bytes = 0;
  uint32_t load_count = 0;
  double idle_seconds = 0;
  bool pinned = false;
  /// The code of the last failed load still on record, `none` if none.
  errc last_error = errc::none;
};

/// The device's account.
struct model_budget {
  uint64_t capacity = 0;
  uint64_t used = 0;
  uint64_t reserved = 0;
  uint64_t releasing = 0;
  uint32_t resident = 0;
};

/// The reference model. Holders and requests are plain numbers chosen by
/// the caller; lease ids are the model's prediction of the supervisor's.
class semantics_model {
public:
  using holder_id = uint64_t;
  using request_id = uint64_t;

  semantics_model(semantics_config cfg, time_point start);

  // -- requests, answered in `answers` ----------------------------------------

  /// An acquire of `name` whose lease goes to `holder`; its caller waits
  /// `timeout`, and it may wait `wait_ms` for room (0: the admission
  /// timeout).
  void acquire(request_id req, const std::string& name, holder_id holder,
               duration timeout, uint64_t wait_ms);

  /// Returns lease `id`; `token_ok` false presents a wrong token. Answers
  /// the refs left on its model.
  void release(request_id req, uint64_t id, bool token_ok);

  /// Answers 1 if the model was unloaded, 0 if not.
  void unload(request_id req, const std::string& name, bool force);

  /// Answers how many models it unloaded.
  void unload_all(request_id req, bool force);

  /// Answers the models it unloaded, in `names`.
  void cleanup(request_id req);

  /// Stops taking acquires; answered 0 once no lease is outstanding.
  void drain(request_id req);

  /// Requests made until `end_batch` queue up before anything they set off.
  void begin_batch();

  void end_batch();

  /// Within a batch: handles up to `n` messages, requests included, as a
  /// supervisor that has handled `n` more of its mailbox has; then every
  /// worker asked so far answers.
  void deliver(size_t n);

  /// Answers so far, by request.
  const std::map<request_id, model_answer>& answers() const { return answers_; }

  // -- requests answered at once ----------------------------------------------

  bool is_loaded(const std::string& name) const;

  bool reset(const std::string& name);

  // -- the world around the supervisor ----------------------------------------

  /// A holder died: acquires naming it get `holder_gone`, its leases come
  /// back.
  void holder_down(holder_id holder);

  /// The caller of a waiting acquire died: the acquire is dropped.
  void caller_down(request_id req);

  /// Time passes and due timers fire.
  void advance(duration delta);

  /// Time passes and no timer fires (until the next `advance`).
  void skew(duration delta);

  /// When the next timer is due, if any is armed.
  std::optional<time_point> next_timer() const;

  /// When the next unreferenced, unpinned ready model will have been idle
  /// for the whole timeout, if one is not yet.
  std::optional<time_point> next_idle_deadline() const;

  time_point now() const { return now_; }

  // -- what the supervisor reports --------------------------------------------

  /// Every model that has an entry and every catalog model, by name.
  std::map<std::string, model_row> rows() const;

  model_budget budget() const { return budget_; }

  /// Leases the model holds, revoked ones included, by id: their entries.
  std::map<uint64_t, std::string> leases() const;

  /// Whether lease `id` is outstanding but revoked by a forced unload: its
  /// holder's inference then gets `model_unloaded`.
  bool revoked(uint64_t id) const;

private:
  struct waiter {
    uint64_t id = 0;
    request_id req = 0;
    holder_id holder = 0;
    time_point deadline;
    duration patience{0};
    std::optional<time_point> room_deadline;
  };

  struct failure_record {
    errc code = errc::none;
    time_point failed_at;
    duration retry_after{0};
    uint32_t consecutive = 0;
  };

  struct entry {
    const model_def* def = nullptr;
    entry_state state = entry_state::absent;
    uint32_t refs = 0;
    uint64_t bytes = 0;
    uint64_t estimate = 0;
    uint64_t reserved = 0;
    uint32_t load_count = 0;
    time_point last_access;
    uint64_t instance = 0;
    bool idle_timer_armed = false;
    bool oom_retried = false;
    std::optional<failure_record> last_failure;
    std::vector<waiter> waiting;
    std::vector<std::function<void()>> on_absent;
  };

  struct lease_record {
    std::string name;
    uint64_t instance = 0;
    holder_id holder = 0;
    bool revoked = false;
  };

  struct timer {
    time_point due;
    uint64_t seq = 0;
    bool idle = false;
    std::string name;
    /// The instance of an idle timer, the waiter of a deadline.
    uint64_t arg = 0;
  };

  // -- messages and timers ----------------------------------------------------

  void post(std::function<void()> msg);
  /// A request to a worker of the supervisor (a file sizer, a model
  /// actor), whose answer `reply` arrives when the worker has its turn.
  void from_worker(const std::string& worker, std::function<void()> reply);
  static std::string worker_of(const entry& e);
  /// Handles the next message, letting workers answer when the mailbox is
  /// empty; false when nothing is left.
  bool handle_one();
  /// Posts a request; outside a batch, handles everything it sets off.
  void request(std::function<void()> handler);
  void settle();
  void arm(time_point due, bool idle, const std::string& name, uint64_t arg);

  // -- acquiring --------------------------------------------------------------

  const model_def* find_def(const std::string& name) const;
  void on_acquire(request_id req, const std::string& name, holder_id holder,
                  duration timeout, uint64_t wait_ms);
  void on_release(request_id req, uint64_t id, bool token_ok);
  void enqueue(entry& e, waiter w);
  void answer(request_id req, model_answer ans);
  void answer_ready(entry& e, const waiter& w);
  uint64_t grant(entry& e, holder_id holder);
  bool holds(holder_id holder) const;
  uint32_t settle_returned(const lease_record& rec);
  void on_holder_down(holder_id holder);
  void on_caller_down(request_id req);
  void settle_drain();

  // -- admission and loading --------------------------------------------------

  void admit(entry& e);
  void on_sized(const std::string& name);
  void decide(entry& e);
  void wait_for_room(entry& e);
  void arm_room_deadline(entry& e, waiter& w);
  void on_deadline(const std::string& name, uint64_t waiter_id);
  void forget_if_unwanted(entry& e);
  void room_freed();
  void start_load(entry& e);
  void on_loaded(const std::string& name, uint64_t instance);
  void on_load_failed(const std::string& name, uint64_t instance, errc code);
  void fail_waiters(entry& e, errc code);
  std::vector<std::string> idle_models(const std::string& except) const;

  // -- unloading --------------------------------------------------------------

  bool begin_unload(entry& e, bool force);
  void cancel_load(entry& e);
  void on_unload(request_id req, const std::string& name, bool force);
  void on_unload_all(request_id req, bool force);
  void on_cleanup(request_id req);
  void on_unloaded(const std::string& name, uint64_t instance);
  void arm_idle_timer(entry& e, duration delay);
  void on_idle_timer(const std::string& name, uint64_t instance);

  semantics_config cfg_;
  time_point now_;
  std::map<std::string, entry> entries_;
  std::map<uint64_t, lease_record> leases_;
  uint64_t next_lease_id_ = 1;
  uint64_t next_waiter_id_ = 1;
  model_budget budget_;
  std::vector<std::string> room_queue_;
  std::map<std::string, uint32_t> attempts_;
  std::vector<timer> timers_;
  uint64_t next_timer_seq_ = 0;
  std::deque<std::function<void()>> mailbox_;
  /// Workers waiting for their turn, in order, with what each will answer.
  std::deque<std::pair<std::string, std::vector<std::function<void()>>>>
      workers_;
  uint64_t sizings_ = 0;
  std::map<request_id, model_answer> answers_;
  std::set<holder_id> dead_holders_;
  bool batching_ = false;
  bool draining_ = false;
  std::vector<request_id> drain_requests_;
};

} // namespace cmm::test
