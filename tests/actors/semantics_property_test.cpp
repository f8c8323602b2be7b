// The supervisor against its reference model (semantics_model.hpp): random
// sequences of acquires, releases, unloads (forced or not), cleanups, time
// advances (with and without timers firing), holder and caller deaths,
// load failures, evictions, resets, drains, bursts of requests that arrive
// together, and a final shutdown run against both, under CAF's
// deterministic scheduler. After every step every answer and the whole
// observable state (each model's state, refs, bytes, load count, idle time
// and failure; the device's account; the simulated backend's resident
// models) must agree. A divergence fails with the sequence's seed, the step
// and the operations so far.
//
// CMM_PROPERTY_OPS sets the number of operations (default 10^4), e.g.
//   CMM_PROPERTY_OPS=1000000 build/tests/cmm-actor-tests "[property]"
// CMM_PROPERTY_SEED the first sequence's seed, to replay a failure, and
// CMM_PROPERTY_TRACE=1 prints each operation and state as it runs.
//

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "cmm/log.hpp"
#include "deterministic_fixture.hpp"
#include "semantics_model.hpp"

using namespace cmm;
using namespace std::chrono_literals;
using cmm::test::deterministic_fixture;
using cmm::test::idle_actor;
using cmm::test::model_answer;
using cmm::test::model_def;
using cmm::test::semantics_config;
using cmm::test::semantics_model;

namespace {

/// One device of 1000 bytes: `pin` plus any three of a-c fill it; `d`
/// needs evictions; `bad` never loads; `oom` runs out of memory on its
/// first five attempts; `huge` never fits.
const std::vector<model_def> property_catalog = {
    {"a", 200, false, "", UINT32_MAX},
    {"b", 300, false, "", UINT32_MAX},
    {"c", 400, false, "", UINT32_MAX},
    {"d", 500, false, "", UINT32_MAX},
    {"pin", 100, true, "", UINT32_MAX},
    {"bad", 100, false, "corrupt", UINT32_MAX},
    {"oom", 150, false, "oom", 5},
    {"huge", 1200, false, "", UINT32_MAX},
};

constexpr uint64_t capacity = 1000;
constexpr duration idle_timeout = std::chrono::seconds{10};
constexpr duration admission_timeout = std::chrono::seconds{4};
constexpr size_t holder_count = 3;

std::string sim_path(const model_def& def) {
  auto path = "sim://" + def.name + "?bytes=" + std::to_string(def.bytes);
  if (!def.fail.empty())
    path += "&fail=" + def.fail;
  if (def.fail_times != UINT32_MAX)
    path += "&fail_times=" + std::to_string(def.fail_times);
  return path;
}

manager_config real_config() {
  manager_config cfg;
  cfg.idle_timeout = idle_timeout;
  cfg.admission_timeout = admission_timeout;
  cfg.detached_workers = false;
  cfg.dtype = "fp32";
  cfg.budgets = {{"sim:0", capacity}};
  for (auto& def : property_catalog) {
    cfg.models[def.name] = {def.name, sim_path(def), "base", "sim:0", ""};
    cfg.models[def.name].pinned = def.pinned;
  }
  return cfg;
}

uint64_t env_number(const char* name, uint64_t fallback) {
  auto str = std::getenv(name);
  if (str == nullptr || *str == '\0')
    return fallback;
  return std::stoull(str);
}

semantics_config model_config() {
  semantics_config cfg;
  cfg.capacity = capacity;
  cfg.idle_timeout = idle_timeout;
  cfg.admission_timeout = admission_timeout;
  cfg.catalog = property_catalog;
  return cfg;
}

std::string join(const std::vector<std::string>& xs) {
  std::string result = "[";
  for (auto& x : xs)
    result += (result.size() > 1 ? " " : "") + x;
  return result + "]";
}

std::string describe(const model_answer& x) {
  if (!x.ok)
    return std::string{"error "} + to_string(x.code);
  if (!x.name.empty())
    return "lease " + std::to_string(x.value) + " on " + x.name;
  if (!x.names.empty())
    return join(x.names);
  return std::to_string(x.value);
}

std::string ms(duration x) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(x).count();
  if (ns % 1000000 == 0)
    return std::to_string(ns / 1000000) + " ms";
  return std::to_string(ns) + " ns";
}

// What each kind of reply says, as the model writes it.

model_answer answer_from(const lease& x) {
  model_answer result;
  result.ok = true;
  result.value = x.id;
  result.name = x.name;
  return result;
}

model_answer answer_from(uint32_t x) {
  model_answer result;
  result.ok = true;
  result.value = x;
  return result;
}

model_answer answer_from(bool x) {
  return answer_from(uint32_t{x ? 1u : 0u});
}

model_answer answer_from(const std::vector<std::string>& xs) {
  auto result = answer_from(uint32_t{0});
  result.names = xs;
  return result;
}

/// How often each kind of answer and state came up, over all sequences.
std::map<std::string, uint64_t>& tally() {
  static std::map<std::string, uint64_t> counts;
  return counts;
}

/// Where a caller actor puts the answer to its request.
struct answer_box {
  bool done = false;
  model_answer got;
  std::optional<lease> granted;
};

/// One sequence: a fresh supervisor and a fresh model, driven by one seed.
class property_sequence {
public:
  property_sequence(uint64_t seed, size_t steps)
      : seed_(seed), steps_(steps), rng_(seed),
        model_(model_config(), f_.sched.clock().now()) {
    for (size_t i = 0; i < holder_count; ++i)
      holders_.push_back(spawn_holder());
  }

  /// Runs every step; answers the divergence, empty if there was none.
  std::string run() {
    compare_state();
    for (step_ = 0; step_ < steps_; ++step_) {
      note(std::to_string(step_) + ": " + one_step());
      if (divergence_.empty())
        compare_answers();
      if (divergence_.empty())
        compare_state();
      if (!divergence_.empty())
        break;
    }
    if (divergence_.empty())
      shut_down();
    if (divergence_.empty())
      return {};
    std::ostringstream out;
    out << "divergence in the sequence with seed " << seed_ << " (replay: "
        << "CMM_PROPERTY_SEED=" << seed_ << "), at step " << step_ << ":\n"
        << divergence_ << "\noperations:\n";
    for (auto& line : history_)
      out << "  " << line << "\n";
    return out.str();
  }

  /// Operations run, the one that diverged included.
  size_t steps_done() const { return std::min(step_ + 1, steps_); }

private:
  using holder = std::pair<semantics_model::holder_id, caf::actor>;
  using request_id = semantics_model::request_id;

  struct pending {
    caf::actor caller;
    std::shared_ptr<answer_box> box;
    std::string what;
    /// For an acquire: the holder it names.
    std::optional<semantics_model::holder_id> holder;
  };

  size_t pick(size_t n) {
    return std::uniform_int_distribution<size_t>{0, n - 1}(rng_);
  }

  bool chance(double p) { return std::bernoulli_distribution{p}(rng_); }

  /// Records an operation; CMM_PROPERTY_TRACE=1 also prints it at once, for
  /// a replay that crashes.
  void note(std::string line) {
    if (trace_)
      std::cerr << "[property " << seed_ << "] " << line << "\n";
    history_.push_back(std::move(line));
  }

  holder spawn_holder() {
    auto actor = f_.sys.spawn<idle_actor>();
    f_.run();
    return {next_holder_id_++, actor};
  }

  void diverge(const std::string& what, const std::string& real,
               const std::string& expected) {
    if (!divergence_.empty())
      return;
    divergence_ =
        what + ": the supervisor says " + real + ", the model says " + expected;
  }

  /// Sends a request to the supervisor from a caller actor of its own, which
  /// puts the answer in a box. Outside a burst, everything it sets off is
  /// delivered; in a burst, only the caller runs, so requests queue up in
  /// the supervisor's mailbox in the order they are sent.
  template <class Reply, class... Ts>
  request_id send(std::string what,
                  std::optional<semantics_model::holder_id> holder, Ts... xs) {
    auto req = next_request_++;
    auto box = std::make_shared<answer_box>();
    auto sup = f_.sup;
    auto caller = f_.sys.spawn([=](caf::event_based_actor* self) {
      self->request(sup, caf::infinite, xs...)
          .then(
              [box](const Reply& x) {
                box->done = true;
                box->got = answer_from(x);
                if constexpr (std::is_same<Reply, lease>::value)
                  box->granted = x;
              },
              [box](const caf::error& err) {
                box->done = true;
                box->got.code = to_failure(err).code;
              });
    });
    if (in_burst_) {
      if (!f_.sched.prioritize(caller))
        throw std::logic_error("a caller actor is not scheduled");
      f_.sched.run_once();
    } else {
      f_.run();
    }
    pending_[req] = {caller, box, what, holder};
    return req;
  }

  // -- operations -------------------------------------------------------------

  std::string one_step() {
    auto roll = pick(100);
    if (roll < 28)
      return acquire(any_acquired_name());
    if (roll < 48)
      return release();
    if (roll < 51)
      return release_wrongly();
    if (roll < 56)
      return unload(any_name());
    if (roll < 57)
      return unload_all();
    if (roll < 60)
      return cleanup();
    if (roll < 66)
      return burst();
    if (roll < 79)
      return advance();
    if (roll < 82)
      return skew();
    if (roll < 85)
      return kill_holder();
    if (roll < 87)
      return kill_caller();
    if (roll < 90)
      return reset();
    if (roll < 92)
      return is_loaded();
    if (roll < 94)
      return infer();
    if (roll < 95 && !drained_ && chance(0.05))
      return drain();
    return advance();
  }

  std::string any_name() {
    if (chance(0.02))
      return "nobody";
    return property_catalog[pick(property_catalog.size())].name;
  }

  std::string any_acquired_name() {
    auto roll = pick(100);
    if (roll < 2)
      return "nobody";
    if (roll < 4)
      return "huge";
    if (roll < 10)
      return "bad";
    if (roll < 18)
      return "oom";
    if (roll < 24)
      return "pin";
    return std::string(1, static_cast<char>('a' + pick(4)));
  }

  std::string acquire(const std::string& name) {
    auto& [holder_id, holder_actor] = holders_[pick(holders_.size())];
    caf::timespan timeout = chance(0.1) ? caf::timespan{1500ms}
                                        : caf::timespan{std::chrono::hours{24}};
    const uint64_t waits[] = {0, 0, 1000, 2500};
    auto wait_ms = waits[pick(4)];
    auto spec = model_spec::by_id(name);
    spec.wait_ms = wait_ms;
    auto what = "acquire " + name + " for holder " + std::to_string(holder_id) +
                ", caller waits " + ms(timeout) + ", wait_ms " +
                std::to_string(wait_ms);
    auto req = send<lease>(what, holder_id, acquire_atom_v, spec, holder_actor,
                           timeout);
    model_.acquire(req, name, holder_id, timeout, wait_ms);
    return "request " + std::to_string(req) + ": " + what;
  }

  /// Releases a lease the model says is outstanding. In a burst a lease
  /// granted since the burst began may not have reached its caller yet;
  /// only leases both sides know are candidates (answers are compared
  /// after the step).
  std::string release() {
    std::vector<uint64_t> candidates;
    for (auto& [id, name] : model_.leases())
      if (in_burst_ ? real_leases_.count(id) > 0 : true)
        candidates.push_back(id);
    if (candidates.empty())
      return release_wrongly();
    auto id = candidates[pick(candidates.size())];
    auto held = real_leases_.find(id);
    if (held == real_leases_.end()) {
      diverge("release", "lease " + std::to_string(id) + " was never granted",
              "it is outstanding");
      return "release " + std::to_string(id);
    }
    auto what = "release lease " + std::to_string(id);
    auto req = send<uint32_t>(what, std::nullopt, release_atom_v, id,
                              held->second.token);
    model_.release(req, id, true);
    return "request " + std::to_string(req) + ": " + what;
  }

  /// Runs inference on an outstanding lease: served, or `model_unloaded`
  /// once a forced unload revoked it.
  std::string infer() {
    auto leases = model_.leases();
    if (leases.empty())
      return is_loaded();
    auto i = leases.begin();
    std::advance(i, static_cast<ptrdiff_t>(pick(leases.size())));
    auto held = real_leases_.find(i->first);
    if (held == real_leases_.end()) {
      diverge("infer",
              "lease " + std::to_string(i->first) + " was never granted",
              "it is outstanding");
      return "infer";
    }
    auto input = make_tensor_from_floats(dtype::f32, {1}, {1.0f});
    auto got = f_.ask<std::vector<tensor>>(held->second.model, infer_atom_v,
                                           std::vector<tensor>{input});
    auto real = got ? std::string{"served"}
                    : std::string{"error "} + to_string(got.error.code);
    auto expected =
        model_.revoked(i->first)
            ? std::string{"error "} + to_string(errc::model_unloaded)
            : std::string{"served"};
    if (real != expected)
      diverge("inference on lease " + std::to_string(i->first), real, expected);
    ++tally()["inference " + real];
    return "infer on lease " + std::to_string(i->first) + " -> " + real;
  }

  std::string release_wrongly() {
    uint64_t id;
    lease_token token;
    bool token_ok = true;
    std::string what;
    if (real_leases_.empty() || chance(0.2)) {
      id = 1000000 + pick(1000);
      token = draw_lease_token();
      what = "release unknown lease " + std::to_string(id);
    } else {
      auto i = real_leases_.begin();
      std::advance(i, static_cast<ptrdiff_t>(pick(real_leases_.size())));
      id = i->first;
      token = i->second.token;
      token_ok = chance(0.5);
      if (!token_ok)
        token.low = ~token.low;
      what = "release lease " + std::to_string(id) +
             (token_ok ? " (maybe again)" : " with a wrong token");
    }
    auto req = send<uint32_t>(what, std::nullopt, release_atom_v, id, token);
    model_.release(req, id, token_ok);
    return "request " + std::to_string(req) + ": " + what;
  }

  std::string unload(const std::string& name) {
    bool force = chance(0.4);
    auto what = "unload " + name + (force ? " (forced)" : "");
    auto req = send<bool>(what, std::nullopt, unload_atom_v, name, force);
    model_.unload(req, name, force);
    return "request " + std::to_string(req) + ": " + what;
  }

  std::string unload_all() {
    bool force = chance(0.3);
    auto what = std::string{"unload_all"} + (force ? " (forced)" : "");
    auto req = send<uint32_t>(what, std::nullopt, unload_all_atom_v, force);
    model_.unload_all(req, force);
    return "request " + std::to_string(req) + ": " + what;
  }

  std::string cleanup() {
    auto req =
        send<std::vector<std::string>>("cleanup", std::nullopt, cleanup_atom_v);
    model_.cleanup(req);
    return "request " + std::to_string(req) + ": cleanup";
  }

  /// Lets the supervisor handle `n` more messages of its mailbox (requests
  /// and its workers' answers), then lets every other actor run, so that
  /// what its workers answer arrives before the next request, as the model
  /// has it (the model's messages are queued when they are sent).
  void let_supervisor_handle(size_t n) {
    auto sup = dynamic_cast<caf::resumable*>(
        caf::actor_cast<caf::abstract_actor*>(f_.sup));
    while (n > 0 && f_.sched.has_job()) {
      if (&f_.sched.next_job<caf::resumable>() == sup)
        --n;
      f_.sched.run_once();
    }
    f_.sched.run_jobs_filtered(
        [sup](caf::resumable* job) { return job != sup; });
  }

  /// Two to four requests that arrive together, mostly about one model,
  /// some of them after the supervisor has handled a few messages since the
  /// one before: an acquire during an unload, acquires sharing one load, an
  /// unload of a model being sized or loaded.
  std::string burst() {
    auto focus = any_acquired_name();
    auto n = 2 + pick(3);
    std::string what = "burst:";
    in_burst_ = true;
    model_.begin_batch();
    for (size_t i = 0; i < n; ++i) {
      if (i > 0 && chance(0.5)) {
        auto handled = 1 + pick(3);
        let_supervisor_handle(handled);
        model_.deliver(handled);
        what += " {" + std::to_string(handled) + " handled}";
      }
      auto name = chance(0.75) ? focus : any_acquired_name();
      auto roll = pick(100);
      if (roll < 45)
        what += " {" + acquire(name) + "}";
      else if (roll < 65)
        what += " {" + release() + "}";
      else if (roll < 90)
        what += " {" + unload(name) + "}";
      else if (roll < 97)
        what += " {" + cleanup() + "}";
      else
        what += " {" + unload_all() + "}";
    }
    in_burst_ = false;
    f_.run();
    model_.end_batch();
    return what;
  }

  std::string reset() {
    auto name = any_name();
    auto got = f_.ask<bool>(f_.sup, reset_atom_v, name);
    auto expected = model_.reset(name);
    if (!got || *got.value != expected)
      diverge("reset " + name,
              got ? (*got.value ? "true" : "false") : "an error",
              expected ? "true" : "false");
    return "reset " + name + " -> " + (expected ? "true" : "false");
  }

  std::string is_loaded() {
    auto name = any_name();
    auto got = f_.is_loaded(name);
    auto expected = model_.is_loaded(name);
    if (got != expected)
      diverge("is_loaded " + name, got ? "true" : "false",
              expected ? "true" : "false");
    return "is_loaded " + name + " -> " + (got ? "true" : "false");
  }

  std::string advance() {
    duration delta;
    auto roll = pick(100);
    auto next = model_.next_timer();
    auto elapsed = model_.now() - start_;
    if (roll < 30 && next && *next < model_.now() + std::chrono::minutes{5}) {
      // Exactly when the next timer is due, or one tick before; timers
      // overdue after a clock move fire now.
      delta = std::max(*next - model_.now(), duration{0});
      if (chance(0.3) && delta > duration{1})
        delta -= duration{1};
    } else if (roll < 55) {
      delta = std::chrono::milliseconds{1 + pick(999)};
    } else if (roll < 93) {
      delta = std::chrono::milliseconds{1000 + pick(14000)};
    } else if (roll < 97 || elapsed > std::chrono::hours{12}) {
      delta = std::chrono::seconds{30 + pick(300)};
    } else {
      // Long enough for a permanent failure record to expire.
      delta = std::chrono::minutes{61};
    }
    f_.advance(delta);
    model_.advance(delta);
    return "advance " + ms(delta);
  }

  std::string skew() {
    duration delta = std::chrono::milliseconds{1000 + pick(14000)};
    // Half the time to exactly when the next idle model has been idle for
    // the whole timeout, or one tick before: a cleanup right there must
    // (or must not yet) unload it.
    if (auto next = model_.next_idle_deadline(); next && chance(0.5)) {
      delta = *next - model_.now();
      if (chance(0.5))
        delta -= duration{1};
    }
    f_.sched.clock().current_time += delta;
    model_.skew(delta);
    return "move the clock " + ms(delta) + " without firing timers";
  }

  std::string kill_holder() {
    // Acquires that name the holder and still wait end with holder_gone.
    // (This test found the supervisor crashing on a holder that died while
    // named by waiting acquires, as it monitored a destroyed actor; then
    // granting such acquires leases that came back later than the model
    // said, seed 20262884.)
    auto& slot = holders_[pick(holders_.size())];
    auto dead = slot;
    caf::anon_send_exit(dead.second, caf::exit_reason::kill);
    f_.run();
    model_.holder_down(dead.first);
    slot = spawn_holder();
    return "holder " + std::to_string(dead.first) + " dies; holder " +
           std::to_string(slot.first) + " takes its place";
  }

  std::string kill_caller() {
    std::vector<request_id> waiting;
    for (auto& [req, p] : pending_)
      if (p.holder)
        waiting.push_back(req);
    if (waiting.empty())
      return advance();
    auto req = waiting[pick(waiting.size())];
    caf::anon_send_exit(pending_[req].caller, caf::exit_reason::kill);
    f_.run();
    model_.caller_down(req);
    pending_.erase(req);
    return "the caller of request " + std::to_string(req) + " dies";
  }

  std::string drain() {
    drained_ = true;
    auto req = send<uint32_t>("drain", std::nullopt, drain_atom_v);
    model_.drain(req);
    return "request " + std::to_string(req) + ": drain";
  }

  // -- comparisons ------------------------------------------------------------

  void compare_answers() {
    auto& expected = model_.answers();
    for (auto i = pending_.begin(); i != pending_.end();) {
      auto req = i->first;
      auto& p = i->second;
      auto j = expected.find(req);
      auto what =
          "the answer to request " + std::to_string(req) + " (" + p.what + ")";
      if (!p.box->done && j == expected.end()) {
        ++i;
        continue;
      }
      if (!p.box->done) {
        diverge(what, "nothing yet", describe(j->second));
        return;
      }
      if (j == expected.end()) {
        diverge(what, describe(p.box->got), "nothing yet");
        return;
      }
      if (!(p.box->got == j->second)) {
        diverge(what, describe(p.box->got), describe(j->second));
        return;
      }
      if (p.box->granted)
        real_leases_[p.box->granted->id] = *p.box->granted;
      note("   request " + std::to_string(req) +
           " answered: " + describe(p.box->got));
      if (p.holder)
        ++tally()[p.box->got.ok ? "acquire granted"
                                : std::string{"acquire refused: "} +
                                      to_string(p.box->got.code)];
      i = pending_.erase(i);
    }
  }

  void compare_state() {
    auto listed = f_.ask<std::vector<model_info>>(f_.sup, list_atom_v);
    auto expected = model_.rows();
    if (!listed) {
      diverge("list", "an error", "rows");
      return;
    }
    std::set<std::string> seen;
    for (auto& info : *listed.value) {
      seen.insert(info.name);
      auto i = expected.find(info.name);
      if (i == expected.end()) {
        diverge("the list", "it names " + info.name, "it does not");
        return;
      }
      auto& row = i->second;
      auto field = [&](const char* what, const std::string& real,
                       const std::string& model) {
        if (real != model)
          diverge(std::string{what} + " of " + info.name, real, model);
      };
      field("state", info.state, row.state);
      field("refs", std::to_string(info.refs), std::to_string(row.refs));
      field("bytes", std::to_string(info.bytes), std::to_string(row.bytes));
      field("load count", std::to_string(info.load_count),
            std::to_string(row.load_count));
      field("pinned", info.pinned ? "yes" : "no", row.pinned ? "yes" : "no");
      if (info.idle_seconds != row.idle_seconds)
        field("idle seconds", std::to_string(info.idle_seconds),
              std::to_string(row.idle_seconds));
      auto real_error = info.last_error.substr(0, info.last_error.find(':'));
      field("last error", real_error,
            row.last_error == errc::none ? "" : to_string(row.last_error));
      if (!divergence_.empty())
        return;
      if (info.state == "waiting")
        ++tally()["state waiting seen"];
      if (info.refs > 1)
        ++tally()["shared model seen"];
    }
    if (trace_) {
      std::string line = "   state:";
      for (auto& info : *listed.value)
        if (info.state != "absent" || info.load_count > 0)
          line += " " + info.name + " " + info.state + " refs " +
                  std::to_string(info.refs) + ";";
      std::cerr << "[property " << seed_ << "] " << line << "\n";
    }
    for (auto& [name, row] : expected)
      if (seen.count(name) == 0)
        diverge("the list", "it does not name " + name, "it does");
    auto devices = f_.ask<std::vector<device_budget>>(f_.sup, devices_atom_v);
    if (!devices || devices.value->size() != 1) {
      diverge("devices", "not exactly one budget", "one budget");
      return;
    }
    auto& b = devices.value->front();
    auto m = model_.budget();
    auto account = [](uint64_t cap, uint64_t used, uint64_t reserved,
                      uint64_t releasing, uint32_t resident) {
      return "capacity " + std::to_string(cap) + ", used " +
             std::to_string(used) + ", reserved " + std::to_string(reserved) +
             ", releasing " + std::to_string(releasing) + ", resident " +
             std::to_string(resident);
    };
    auto real =
        account(b.capacity, b.used, b.reserved, b.releasing, b.resident);
    auto model =
        account(m.capacity, m.used, m.reserved, m.releasing, m.resident);
    if (real != model)
      diverge("the account of sim:0", real, model);
    device sim0{device::kind_t::sim, 0};
    auto backend = account(m.capacity, f_.backend->resident_bytes_on(sim0), 0,
                           0, f_.backend->resident());
    auto predicted = account(m.capacity, m.used, 0, 0, m.resident);
    if (backend != predicted)
      diverge("the simulated backend", backend, predicted);
  }

  void shut_down() {
    // Callers still waiting give up first; then the supervisor stops, and
    // its model actors with it, freeing every model.
    for (auto& [req, p] : pending_)
      caf::anon_send_exit(p.caller, caf::exit_reason::kill);
    pending_.clear();
    f_.run();
    caf::anon_send_exit(f_.sup, caf::exit_reason::user_shutdown);
    f_.run();
    note("shutdown");
    if (f_.backend->resident() != 0 || f_.backend->resident_bytes() != 0)
      diverge("after shutdown",
              std::to_string(f_.backend->resident()) + " models resident",
              "none");
    for (auto& [id, actor] : holders_)
      caf::anon_send_exit(actor, caf::exit_reason::kill);
    f_.run();
  }

  uint64_t seed_;
  size_t steps_;
  size_t step_ = 0;
  std::mt19937_64 rng_;
  deterministic_fixture f_{real_config()};
  time_point start_ = f_.sched.clock().now();
  semantics_model model_;
  std::vector<holder> holders_;
  semantics_model::holder_id next_holder_id_ = 1;
  request_id next_request_ = 1;
  std::map<request_id, pending> pending_;
  std::map<uint64_t, lease> real_leases_;
  bool in_burst_ = false;
  bool drained_ = false;
  bool trace_ = env_number("CMM_PROPERTY_TRACE", 0) != 0;
  std::vector<std::string> history_;
  std::string divergence_;
};

/// Quiets the supervisor's and model actors' logs (each failed load logs an
/// error) for the test's duration; a bookkeeping defect shows as a
/// divergence anyway.
struct quiet_logs {
  quiet_logs() { set_log_level("off"); }
  ~quiet_logs() { set_log_level("warn"); }
};

} // namespace

TEST_CASE("the supervisor agrees with its reference model on random "
          "operation sequences",
          "[property]") {
  auto total = env_number("CMM_PROPERTY_OPS", 10000);
  auto seed = env_number("CMM_PROPERTY_SEED", 20261128);
  quiet_logs quiet;
  auto started = std::chrono::steady_clock::now();
  uint64_t done = 0;
  uint64_t sequences = 0;
  while (done < total) {
    std::mt19937_64 length_rng{seed};
    auto steps = std::min<uint64_t>(
        total - done,
        std::uniform_int_distribution<uint64_t>{50, 400}(length_rng));
    property_sequence sequence{seed, steps};
    auto divergence = sequence.run();
    done += sequence.steps_done();
    ++sequences;
    if (!divergence.empty())
      FAIL(divergence);
    ++seed;
  }
  // A long run says what it covered; CI's default run stays quiet.
  if (std::getenv("CMM_PROPERTY_OPS") != nullptr) {
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                              started)
                    .count();
    std::cerr << "[property] " << done << " operations in " << sequences
              << " sequences agreed with the model (" << secs << " s):";
    for (auto& [what, n] : tally())
      std::cerr << " " << what << " " << n << ";";
    std::cerr << "\n";
  }
  CHECK(done >= total);
}
