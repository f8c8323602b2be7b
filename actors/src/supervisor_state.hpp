#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/admission.hpp"
#include "cmm/backend.hpp"
#include "cmm/budget_ledger.hpp"
#include "cmm/eviction_policy.hpp"
#include "cmm/lease_table.hpp"
#include "cmm/manager_config.hpp"
#include "cmm/manager_metrics.hpp"
#include "cmm/model_entry.hpp"
#include "cmm/watch_count.hpp"

namespace cmm {

struct supervisor_state;

using supervisor_pointer = supervisor_actor::stateful_pointer<supervisor_state>;

/// Counts a request in the `cmm_acquires_waiting` gauge while it is queued
/// on an entry, wherever it leaves the queue.
class waiting_mark {
public:
  waiting_mark() = default;
  explicit waiting_mark(metric_gauge& gauge) : gauge_(&gauge) {
    gauge_->add(1);
  }
  waiting_mark(waiting_mark&& other) noexcept
      : gauge_(std::exchange(other.gauge_, nullptr)) {}
  waiting_mark& operator=(waiting_mark&& other) noexcept {
    std::swap(gauge_, other.gauge_);
    return *this;
  }
  ~waiting_mark() {
    if (gauge_)
      gauge_->add(-1);
  }

private:
  metric_gauge* gauge_ = nullptr;
};

/// A request waiting for its model to become ready: an acquire (answered
/// with a lease), a preload (answered with the model's info) or a run
/// (delegated to the model actor with its inputs, under a lease).
struct waiting_request {
  enum class kind_t { acquire, preload, run };

  uint64_t id = 0;
  kind_t kind = kind_t::acquire;
  /// When it arrived, for the acquire wait histogram.
  time_point arrived;
  waiting_mark queued;
  caf::typed_response_promise<lease> acquire;
  caf::typed_response_promise<model_info> preload;
  caf::typed_response_promise<std::vector<tensor>> run;
  std::vector<tensor> inputs;
  caf::actor_addr holder;
  /// The caller, when another actor is to hold the lease. Both are watched
  /// while the request waits: a caller that dies takes its request along
  /// instead of leaving its holder a lease nobody can name, and a holder
  /// that dies ends it with `holder_gone` instead of a lease that would
  /// come straight back.
  caf::actor_addr caller;
  bool watched = false;
  /// When its caller stops waiting for the answer; preloads wait forever.
  time_point deadline = time_point::max();
  /// How long it may wait for room on a full device.
  duration patience{0};
  /// When that patience runs out, set once its entry waits for room.
  std::optional<time_point> room_deadline;
};

/// One entry plus what only the actor layer knows about it.
struct entry_slot {
  model_entry entry;
  /// Its series in the metrics: set when the entry takes its spec.
  model_metrics* series = nullptr;
  model_actor model;
  std::vector<waiting_request> waiting;
  /// The entry's files with their estimated sizes on its target: read off
  /// the supervisor's thread when an admission starts, reused while the
  /// entry waits for room.
  std::vector<sized_variant> sizes;
  /// Run once the entry has become absent after an unload.
  std::vector<std::function<void()>> on_absent;
};

/// The supervisor's leases: held by actors, on model actors.
using lease_ledger = lease_table<caf::actor_addr, model_actor>;

/// The supervisor's state and the logic of its handlers. Every handler runs
/// here, one message at a time, which is why nothing is locked. The logic is
/// spread over three files: requests and leases (supervisor_state.cpp),
/// admission and loading (supervisor_loading.cpp), unloading and timers
/// (supervisor_unloading.cpp).
struct supervisor_state {
  supervisor_pointer self = nullptr;
  manager_config cfg;
  backend_ptr model_backend;
  manager_metrics_ptr metrics;
  /// Releases from other processes come through here (see `grant`).
  client_actor gate;
  std::map<std::string, entry_slot> slots;
  lease_ledger leases;
  /// Why each holder and waiting caller is monitored.
  watch_count<caf::actor_addr> watches;
  /// The model actor of each run in flight, by its lease's id: only that
  /// actor's `done` returns the lease.
  std::map<uint64_t, caf::actor_addr> runs;
  /// Model actors given up on (a load, move or free past its timeout, a
  /// load cancelled): what each may still hold, by device, counts as
  /// releasing until it has terminated.
  std::map<caf::actor_addr, std::vector<std::pair<std::string, uint64_t>>>
      abandoned;
  /// Model actors unloaded by force while leases on them remained: they
  /// answer inference with `model_unloaded` until the last lease is released.
  std::set<caf::actor_addr> retired_models;
  /// Memory accounts by device string.
  budget_ledger budgets;
  /// Entries waiting for room, by device string, oldest first; a device
  /// without waiters has no key, so an empty map means nobody waits.
  std::map<std::string, std::vector<std::string>> room_queue;
  uint64_t next_waiter_id = 1;
  /// Set by `drain`: new acquires are refused with `shutting_down`.
  bool draining = false;
  std::vector<caf::typed_response_promise<uint32_t>> drain_waiters;

  static inline const char* name = "cmm.supervisor";

  /// The longest an acquire may say its caller waits.
  static constexpr caf::timespan max_acquire_wait = std::chrono::hours{24};

  void init(supervisor_pointer ptr, manager_config config, backend_ptr be,
            manager_metrics_ptr recorder);

  // -- requests (supervisor_state.cpp) ----------------------------------------

  caf::typed_response_promise<lease> acquire(const model_spec& spec,
                                             const caf::actor& holder,
                                             caf::timespan timeout);

  caf::typed_response_promise<model_info> preload(const model_spec& spec);

  /// Acquire, infer, release: the sender holds the lease while the model
  /// actor, which answers it, infers.
  caf::typed_response_promise<std::vector<tensor>>
  run(const model_spec& spec, caf::timespan timeout,
      std::vector<tensor> inputs);

  /// A model actor finished a run: its lease comes back. Taken from the
  /// model actor the run went to only.
  void on_run_done(uint64_t id, const lease_token& token);

  caf::result<uint32_t> release(uint64_t id, const lease_token& token);

  /// `release` one way: a refusal is logged and counted, never answered.
  void give_back(uint64_t id, const lease_token& token);

  bool is_loaded(const std::string& name) const;

  /// Every entry, absent ones included, and every catalog id not used yet.
  std::vector<model_info> list() const;

  caf::result<model_info> info(const std::string& name) const;

  /// An entry as `info` reports it, with its batching counts.
  model_info describe_slot(const entry_slot& slot, time_point t) const;

  /// A catalog id that has no entry yet, as absent; one that cannot be
  /// resolved says why in `last_error`.
  model_info describe_unused(const std::string& id) const;

  std::vector<device_budget> devices() const;

  caf::typed_response_promise<uint32_t> drain();

  /// A holder or a watched caller went down: returns its leases and drops
  /// the requests it was waiting on.
  void on_actor_down(const caf::down_msg& msg);

  void on_exit(const caf::exit_msg& msg);

  /// A model actor replaced its cast model by the saved one: new size and
  /// precision, and why. Taken from that entry's model actor only.
  void on_model_report(const std::string& name, const load_report& report);

  /// Whether the current message is one the supervisor sent itself (its
  /// timers); anything else claiming to be one is logged and dropped.
  bool from_self() const;

  // -- loading (supervisor_loading.cpp) ---------------------------------------

  bool reset(const std::string& name);

  void on_deadline(const std::string& name, uint64_t waiter_id);

  // -- unloading (supervisor_unloading.cpp) -----------------------------------

  caf::typed_response_promise<bool> unload(const std::string& name, bool force);

  caf::typed_response_promise<uint32_t> unload_all(bool force);

  caf::typed_response_promise<std::vector<std::string>> cleanup();

  void on_idle_timer(const std::string& name, uint64_t instance);

private:
  time_point now() const;

  /// Refuses what this request may not do: acquire while draining, or name
  /// a file path from another node.
  std::optional<failure>
  check_caller(const model_spec& spec,
               const caf::strong_actor_ptr& sender) const;

  /// Refuses an acquire's timeout outside [0, max_acquire_wait].
  static std::optional<failure> check_wait(caf::timespan timeout);

  /// Refuses a holder the sender may not name: a remote sender naming an
  /// actor of this node, or an anonymous sender.
  std::optional<failure>
  check_holder(const caf::actor_addr& holder,
               const caf::strong_actor_ptr& sender) const;

  /// The lease `id` out of the ledger, if `token` is its token and the
  /// sender acts for its holder.
  result<lease_ledger::record> take_back(uint64_t id, const lease_token& token);

  /// Answers `drain` requests once no lease is outstanding.
  void settle_drain();

  /// Finds or creates the slot for a resolved spec; none with the error
  /// when the name is taken by a different placement.
  caf::expected<entry_slot*> slot_for(const resolved_spec& spec);

  /// Checks an acquire or run and queues it on its entry (`enqueue`), or
  /// answers why not.
  void submit(waiting_request req, const model_spec& spec,
              caf::timespan timeout, const caf::strong_actor_ptr& sender);

  /// Returns the leases of the runs that went to `model`, which is gone.
  void return_runs(const caf::actor_addr& model);

  /// Answers `req` at once if the entry is ready; otherwise queues it on
  /// the slot, arms its caller's deadline and makes sure a load is under
  /// way.
  void enqueue(entry_slot& slot, waiting_request req);

  /// Queues `req` on the slot, watching its caller and its holder if they
  /// differ.
  void add_waiter(entry_slot& slot, waiting_request req);

  /// One more reason to monitor `whom`, which may be gone already (then
  /// the down message comes at once, as CAF sends it for a terminated
  /// actor).
  void watch(const caf::actor_addr& whom);

  /// One reason to monitor `whom` ended; the monitor stops with the last.
  void unwatch(const caf::actor_addr& whom);

  /// Ends the watches of `add_waiter` on `req`'s caller and holder.
  void unwatch_waiter(waiting_request& req);

  /// `gone` went down: drops the waiting requests it called (unanswered)
  /// and answers those that named it as holder with `holder_gone`.
  void drop_waiters_of(const caf::actor_addr& gone);

  /// After a waiter left: an entry waiting for room that nobody wants any
  /// more goes back to absent and out of its device's room queue.
  void forget_if_unwanted(entry_slot& slot);

  lease grant(entry_slot& slot, const caf::actor_addr& holder);

  void answer_ready(entry_slot& slot, waiting_request& req);

  void answer_error(waiting_request& req, const failure& err);

  /// The answer to an acquire whose caller's deadline has passed.
  static failure past_deadline(const std::string& name);

  /// Settles what a returned lease leaves behind: its holder's monitor, its
  /// entry's refs and idle timer, or a retired model actor. Answers the
  /// entry's remaining refs.
  uint32_t settle_returned(const lease_ledger::record& rec);

  void stop_model(const model_actor& model);

  /// The budget of `dev`, opened with the device's capacity on first use.
  const device_budget& budget_for(const device& dev);

  /// Logs a refused ledger or state transition: a bookkeeping defect of the
  /// supervisor, never a caller's error.
  void report_defect(const std::optional<failure>& err) const;

  /// Moves the entry to `next` and shows it in the metrics; a refused
  /// transition is reported as a defect and answers false.
  bool enter(entry_slot& slot, entry_state next);

  /// After a ledger transition: reports a refused one as a defect and shows
  /// the budgets in the metrics.
  void book(const std::optional<failure>& err);

  /// Answers an acquire with an error and counts the refusal.
  void refuse(caf::typed_response_promise<lease>& rp, const caf::error& err);

  // -- admission and loading --------------------------------------------------

  /// Starts an admission by sizing the entry's files, or, for an entry
  /// waiting for room, decides again on the sizes it has.
  void admit(entry_slot& slot);

  /// Sizes the spec's preferred file and its fallbacks on a thread of their
  /// own; `on_sized` or `on_sizing_failed` continue.
  void size_files(entry_slot& slot);

  void on_sized(const std::string& name, const std::vector<uint64_t>& bytes);

  void on_sizing_failed(const std::string& name, const caf::error& err);

  /// Starts the load if it fits, evicts and waits if eviction makes room,
  /// waits for room otherwise, or fails the waiters if the model can never
  /// fit. `fresh`: the sizes were just read (an `auto` entry is placed).
  void decide(entry_slot& slot, bool fresh);

  /// Picks the device for an `auto` entry that needs `bytes`.
  bool place(entry_slot& slot, uint64_t bytes);

  std::vector<eviction_candidate> idle_on(const std::string& device,
                                          const std::string& except) const;

  void start_load(entry_slot& slot, const model_variant& variant,
                  uint64_t estimate);

  void wait_for_room(entry_slot& slot, const failure& why);

  /// The slot of `name` if it is still loading `instance`; null once the
  /// load was given up, cancelled or superseded.
  entry_slot* loading_slot(const std::string& name, uint64_t instance);

  /// Gives up an admission under way (a forced unload) while the entry is
  /// sizing, waiting for room or loading: its waiters get
  /// `model_unloaded`, the entry becomes absent, a loading actor is
  /// abandoned. False in any other state.
  bool cancel_load(entry_slot& slot);

  /// Takes the entry out of its device's room queue.
  void leave_room_queue(entry_slot& slot);

  /// Tells `model` to exit without waiting for it: it may be stuck in a
  /// read. `releasing` (bytes by device, already counted as releasing in the
  /// ledger) is freed once it has terminated.
  void abandon(const model_actor& model,
               std::vector<std::pair<std::string, uint64_t>> releasing);

  /// Arms the end of `req`'s patience for room, once.
  void arm_deadline(const std::string& name, waiting_request& req);

  /// Re-runs admission for the entries waiting on `device`.
  void room_freed(const std::string& device);

  void on_loaded(const std::string& name, uint64_t instance,
                 const load_report& report);

  void on_load_failed(const std::string& name, uint64_t instance,
                      const caf::error& err);

  void fail_waiters(entry_slot& slot, const failure& err);

  // -- unloading --------------------------------------------------------------

  /// Starts unloading a ready entry; false if it is not ready, or in use
  /// and not forced.
  bool begin_unload(entry_slot& slot, const char* reason, bool force);

  /// The entry's unload finished. `freed`: its bytes are back; otherwise
  /// its actor was abandoned and gives them back when it ends.
  void on_unloaded(const std::string& name, uint64_t instance,
                   const char* reason, bool freed = true);

  void retire_leases(entry_slot& slot);

  void arm_idle_timer(entry_slot& slot, duration delay);

  /// Moves an idle accelerator model to the CPU; false if the CPU has no
  /// room for it.
  bool demote(entry_slot& slot);

  /// Moves a demoted model back to its device if there is room there now;
  /// otherwise it keeps serving from the CPU.
  void promote(entry_slot& slot);

  /// Asks the model actor to move and settles both budgets when it answers.
  void move_model(entry_slot& slot, const device& to, const char* why);

  /// A move past its timeout: the entry's model is given up (its leases
  /// retired, its actor abandoned with the bytes it may hold on both
  /// devices) and the entry unloads.
  void lose_moving_model(entry_slot& slot, const std::string& target,
                         uint64_t reserved);
};

} // namespace cmm
