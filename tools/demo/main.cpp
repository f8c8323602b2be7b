// cmm-demo: the model manager's story in under a minute. Generated
// TorchScript models are loaded lazily and shared by concurrent client
// actors, unloaded when idle or by force, and a corrupt file is remembered
// as failed. Every figure printed is measured during the run.

#include <chrono>

#include <cstdio>
#include <exception>
#include <fmt/ranges.h>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>

#include "cache_table.hpp"
#include "cache_watch.hpp"
#include "client.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/gate.hpp"
#include "cmm/http_front.hpp"
#include "cmm/model_manager.hpp"
#include "demo_config.hpp"
#include "demo_models.hpp"
#include "device_table.hpp"
#include "timeline.hpp"

using namespace cmm;
using namespace cmm::demo;

namespace {

constexpr auto request_timeout = std::chrono::seconds{60};
constexpr auto poll_interval = std::chrono::milliseconds{20};
constexpr auto idle_margin = std::chrono::milliseconds{500};
constexpr uint64_t broken_file_bytes = 64 * 1024;

using seconds_d = std::chrono::duration<double>;

void require(bool condition, const std::string& what) {
  if (!condition)
    throw std::runtime_error(what);
}

/// Runs `action`, which must fail with `expected`; returns that failure.
template <class Action> failure expect_failure(errc expected, Action action) {
  auto want = std::string{"expected "} + to_string(expected);
  try {
    action();
  } catch (const manager_error& err) {
    require(err.code() == expected, want + ", got " + err.what());
    return err.reason();
  }
  throw std::runtime_error(want + ", but the call succeeded");
}

std::vector<demo_model> prepare_models(timeline& tl, const demo_options& opts) {
  std::vector<demo_model> out;
  for (const auto& bp : demo_blueprints(opts.size_mb)) {
    auto prepared = prepare_model(opts.model_dir, bp);
    const auto& path = prepared.model.path;
    auto mb = prepared.file_bytes / 1e6;
    if (prepared.generated)
      tl.say("generated {} ({:.1f} MB) in {:.2f} s", path, mb,
             prepared.seconds);
    else
      tl.say("cached {} ({:.1f} MB)", path, mb);
    out.push_back(prepared.model);
  }
  return out;
}

using report_list = std::vector<std::shared_ptr<client_report>>;

/// Spawns the clients, watches the cache until every client is down, and
/// returns their reports.
report_list run_clients(timeline& tl, caf::actor_system& sys,
                        cache_watch& watch, const supervisor_actor& supervisor,
                        const std::vector<demo_model>& models,
                        const demo_options& opts) {
  report_list reports;
  caf::scoped_actor self{sys};
  for (size_t i = 0; i < opts.clients; ++i) {
    client_plan plan;
    plan.supervisor = supervisor;
    plan.models = models;
    plan.rounds = opts.rounds;
    plan.seed = static_cast<uint32_t>(i + 1);
    plan.timeout = request_timeout;
    plan.report = std::make_shared<client_report>();
    reports.push_back(plan.report);
    self->monitor(spawn_client(sys, std::move(plan)));
  }
  tl.say("started {} client actors, {} rounds each: acquire a random model "
         "by id -> infer -> hold {}-{} ms -> release",
         opts.clients, opts.rounds, min_hold.count(), max_hold.count());
  size_t down = 0;
  while (down < opts.clients)
    self->receive([&down](const caf::down_msg&) { ++down; },
                  caf::after(poll_interval) >> [&watch] { watch.poll(); });
  return reports;
}

void summarize_clients(timeline& tl, const report_list& reports,
                       const std::vector<demo_model>& models,
                       const cache_watch& watch, size_t rounds_each,
                       double seconds) {
  size_t rounds_ok = 0;
  std::vector<std::string> errors;
  for (const auto& report : reports) {
    rounds_ok += report->rounds_ok;
    errors.insert(errors.end(), report->errors.begin(), report->errors.end());
  }
  tl.say("clients done in {:.2f} s: {} of {} rounds completed", seconds,
         rounds_ok, reports.size() * rounds_each);
  for (const auto& model : models) {
    std::set<caf::actor_addr> instances;
    size_t users = 0;
    size_t inferences = 0;
    std::string signature;
    for (const auto& report : reports) {
      auto i = report->instances.find(model.id());
      if (i == report->instances.end())
        continue;
      ++users;
      instances.insert(i->second.begin(), i->second.end());
      inferences += report->inferences[model.id()];
      signature = report->signatures[model.id()];
    }
    if (users == 0) {
      tl.more("{}: not picked by any client", model.id());
      continue;
    }
    tl.more("{}: {} clients shared {} instance(s); {} inferences, peak refs "
            "{}; {}",
            model.id(), users, instances.size(), inferences,
            watch.peak_refs(model.id()), signature);
  }
  for (const auto& err : errors)
    tl.more("client error: {}", err);
  require(errors.empty(), std::to_string(errors.size()) +
                              " client round(s) failed, first: " +
                              (errors.empty() ? "" : errors.front()));
}

void show_idle_unload(timeline& tl, blocking_client& client,
                      const std::vector<demo_model>& models,
                      duration idle_timeout) {
  auto wait = idle_timeout + idle_margin;
  tl.say("main sleeps {:.1f} s, past the idle timeout of {:.1f} s",
         seconds_d{wait}.count(), seconds_d{idle_timeout}.count());
  std::this_thread::sleep_for(wait);
  for (const auto& model : models) {
    auto loaded = client.is_model_loaded(model.id());
    tl.say("is_model_loaded(\"{}\") -> {}", model.id(), loaded);
    require(!loaded, model.id() + " was not unloaded when idle");
  }
  auto rows = client.get_cached_models();
  tl.say("get_cached_models() -> {} entries: idle models were unloaded",
         rows.size());
}

void show_forced_unload(timeline& tl, blocking_client& client,
                        const demo_model& model) {
  std::mt19937 rng{42};
  const auto& id = model.id();
  auto held = client.acquire(model_spec::by_id(id));
  auto info = client.get_model_info(id).value();
  tl.say("acquired {} and held it: loaded in {:.3f} s (load #{}), "
         "refs {}",
         id, info.load_seconds, info.load_count, info.refs);
  client.infer(held.get(), {make_input(model.blueprint, rng)});
  tl.say("inference through the held lease: ok");
  auto refused = client.unload_model(id);
  tl.say("unload_model(\"{}\") -> {} (a lease is held)", id, refused);
  require(!refused, "unload of a held model was not refused");
  auto forced = client.unload_model(id, true);
  tl.say("unload_model(\"{}\", force=true) -> {}; is_model_loaded -> {}", id,
         forced, client.is_model_loaded(id));
  require(forced, "forced unload failed");
  auto err = expect_failure(errc::model_unloaded, [&] {
    client.infer(held.get(), {make_input(model.blueprint, rng)});
  });
  tl.say("the holder's next inference fails: {}", to_string(err));
  tl.say("release_model(held) -> {} refs", client.release_model(held));
}

void show_failure_record(timeline& tl, blocking_client& client,
                         const std::string& broken) {
  auto spec = model_spec::by_path(broken, "base");
  auto first =
      expect_failure(errc::invalid_model_file, [&] { client.acquire(spec); });
  auto info = client.get_model_info(broken).value();
  tl.say("acquire {} -> {}", broken, to_string(first));
  tl.more("state {}, load_count {}", info.state, info.load_count);
  auto second =
      expect_failure(errc::invalid_model_file, [&] { client.acquire(spec); });
  info = client.get_model_info(broken).value();
  tl.say("acquire {} again -> refused from the failure record: {}", broken,
         second.message);
  tl.more("state {}, load_count {} (no second load attempt)", info.state,
          info.load_count);
  require(info.load_count == 1, "the failed model was loaded again");
}

/// Fills the CPU budget with the three variants, then asks for the base
/// model a second time in fp32: it only fits once idle models are evicted.
void show_eviction(timeline& tl, blocking_client& client,
                   const std::vector<demo_model>& models) {
  for (const auto& model : models)
    client.acquire(model_spec::by_id(model.id())).reset();
  tl.say("all three variants loaded and idle; the cpu budget is nearly full:");
  print_device_table(tl, client.devices());
  tl.say("acquire {} (the base file again, in fp32)", wide_model_id);
  auto held = client.acquire(model_spec::by_id(wide_model_id));
  auto info = client.get_model_info(wide_model_id).value();
  std::vector<std::string> evicted;
  for (const auto& model : models)
    if (!client.is_model_loaded(model.id()))
      evicted.push_back(model.id());
  tl.say("loaded {} ({:.1f} MB) after evicting the least recently used: {}",
         wide_model_id, info.bytes / 1e6, fmt::join(evicted, ", "));
  require(!evicted.empty(), "nothing was evicted to make room");
  print_device_table(tl, client.devices());
  client.release_model(held);
}

void show_final_table(timeline& tl, blocking_client& client,
                      const std::vector<demo_model>& models,
                      const std::string& broken) {
  std::vector<model_info> rows;
  for (const auto& model : models)
    rows.push_back(client.get_model_info(model.id()).value());
  rows.push_back(client.get_model_info(broken).value());
  tl.say("final cache table (get_model_info of every model):");
  print_cache_table(tl, rows);
}

/// The samples of `families` in a metrics exposition.
std::vector<std::string>
metric_lines(const std::string& text,
             const std::vector<std::string>& families) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    for (auto& family : families)
      if (line.rfind(family + "{", 0) == 0)
        out.push_back(line);
  }
  return out;
}

void tell_story(timeline& tl, caf::actor_system& sys,
                const manager_config& mcfg, const demo_options& opts,
                const std::vector<demo_model>& models,
                const std::string& broken) {
  model_manager manager{sys, mcfg, make_default_backend(mcfg)};
  blocking_client client{sys, manager.supervisor(), request_timeout};
  // The same HTTP front as cmm-node's client side, on a free port.
  auto http = http_front::start_client(
      sys, spawn_client_gate(sys, manager.supervisor()), manager.metrics(),
      std::make_shared<node_status>(), http_settings{});
  if (http)
    tl.say("metrics while the demo runs: curl -s "
           "http://127.0.0.1:{}/metrics (KServe v2 at /v2)",
           (*http)->port());
  else
    tl.say("no HTTP front: {}", http.error().message);
  tl.say("manager up: get_cached_models() -> {} entries (loads are lazy)",
         client.get_cached_models().size());
  cache_watch watch{tl, client};
  auto start = tl.elapsed();
  auto reports =
      run_clients(tl, sys, watch, manager.supervisor(), models, opts);
  summarize_clients(tl, reports, models, watch, opts.rounds,
                    tl.elapsed() - start);
  tl.say("cache after the clients:");
  print_cache_table(tl, client.get_cached_models());
  show_idle_unload(tl, client, models, mcfg.idle_timeout);
  show_forced_unload(tl, client, models.front());
  show_failure_record(tl, client, broken);
  show_eviction(tl, client, models);
  show_final_table(tl, client, models, broken);
  tl.say("from /metrics:");
  for (auto& line :
       metric_lines(manager.metrics()->render(),
                    {"cmm_model_loads_total", "cmm_model_load_failures_total",
                     "cmm_evictions_total"}))
    tl.say("  {}", line);
  tl.say("shutting down: clients, then the manager, then the actor system");
}

int run_demo(demo_config& cfg) {
  timeline tl;
  auto opts = read_demo_options(cfg);
  auto mcfg = read_manager_config(cfg);
  if (!mcfg)
    throw std::runtime_error(to_string(mcfg.error()));
  tl.say("cmm-demo: {} clients x {} rounds; device {}, dtype {}, idle "
         "timeout {:.1f} s",
         opts.clients, opts.rounds, mcfg->default_device, mcfg->dtype,
         seconds_d{mcfg->idle_timeout}.count());
  auto models = prepare_models(tl, opts);
  auto broken = write_broken_model(opts.model_dir, broken_file_bytes);
  tl.say("wrote {} ({} random bytes, not a model)", broken, broken_file_bytes);
  for (const auto& model : models)
    add_to_catalog(*mcfg, model);
  add_wide_variant(*mcfg, models.front());
  size_cpu_budget(tl, *mcfg, models);
  {
    caf::actor_system sys{cfg};
    tell_story(tl, sys, *mcfg, opts, models, broken);
  }
  tl.say("clean exit");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  demo_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "cmm-demo: error: %s\n",
                 describe_parse_error(err, cfg.config_file_path).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (auto err = cfg.check_settings({"cmm", "demo"}, cfg.config_file_path)) {
    std::fprintf(stderr, "cmm-demo: error: %s\n", err->message.c_str());
    return 2;
  }
  try {
    return run_demo(cfg);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "cmm-demo: error: %s\n", ex.what());
    return 1;
  }
}
