// remote: acquire + release and a small inference against a cmm-node over
// loopback, next to the same requests against a manager in this process.
// The node is a child process (the build's cmm-node) serving one simulated
// model by catalog id; this side is an actor system of its own with CAF's
// middleman, so the other scenarios run without it.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actor_clients.hpp"
#include "cmm/remote.hpp"
#include "cmm/sim_backend.hpp"
#include "cmm_steps.hpp"
#include "external_program.hpp"
#include "manager_under_test.hpp"
#include "middleman_config.hpp"
#include "scenario.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "remote";
constexpr const char* model_id = "echo";
constexpr const char* model_path = "sim://remote-echo?bytes=1000000";

/// Stops the node (SIGTERM: it drains and exits) when the scenario ends.
struct node_guard {
  child_process child;

  ~node_guard() {
    if (child.pid != 0)
      stop_program(child, SIGTERM, std::chrono::seconds{15});
  }
};

/// Waits for `cmm-node listening on HOST:PORT` in the node's log.
uint16_t wait_for_port(const std::string& log_path, child_process& child) {
  std::regex pattern{"listening on [0-9.]+:([0-9]+)"};
  auto give_up = bench_clock::now() + std::chrono::seconds{20};
  while (bench_clock::now() < give_up) {
    std::ifstream in{log_path};
    std::stringstream text;
    text << in.rdbuf();
    auto str = text.str();
    std::smatch m;
    if (std::regex_search(str, m, pattern))
      return static_cast<uint16_t>(std::stoul(m[1]));
    if (has_exited(child))
      throw std::runtime_error("cmm-node exited early, see " + log_path);
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  throw std::runtime_error("cmm-node did not report its port, see " + log_path);
}

/// A lease held for the inference rows, from a blocking request.
lease acquire_for_inference(caf::actor_system& sys, client_actor sup) {
  caf::scoped_actor self{sys};
  lease out;
  caf::error err;
  self->request(sup, request_timeout + reply_margin, acquire_atom_v,
                model_spec::by_id(model_id), caf::actor{self},
                caf::timespan{request_timeout})
      .receive([&](lease& granted) { out = std::move(granted); },
               [&](caf::error& x) { err = std::move(x); });
  if (err)
    throw std::runtime_error("acquire for inference failed: " +
                             sys.render(err));
  return out;
}

struct side_rows {
  measurement hit;
  measurement one_way;
  measurement run;
  measurement infer;
};

side_rows measure_side(caf::actor_system& sys, client_actor sup, size_t pairs,
                       const std::string& where) {
  actor_clients_options opts;
  opts.steps_each = pairs;
  auto spec = model_spec::by_id(model_id);
  // The first acquire loads the model; it is not measured.
  run_actor_clients(sys, actor_clients_options{},
                    acquire_release_step(sup, spec));
  auto to_row = [&](const std::string& key, const std::string& label,
                    client_run run) {
    return make_run_row(scenario_name, key, label, std::move(run), "remote");
  };
  side_rows out;
  out.hit = to_row(
      "remote." + where + ".hit", "cmm acquire+release, 1 actor, " + where,
      run_actor_clients(sys, opts, acquire_release_step(sup, spec)));
  out.one_way =
      to_row("remote." + where + ".oneway",
             "cmm acquire + one-way release, 1 actor, " + where,
             run_actor_clients(sys, opts, acquire_give_back_step(sup, spec)));
  auto input = make_tensor_from_floats(dtype::f32, {1, 64},
                                       std::vector<float>(64, 0.5f));
  out.run =
      to_row("remote." + where + ".run",
             "cmm run (acquire + infer 1x64 + release), 1 actor, " + where,
             run_actor_clients(sys, opts, run_step(sup, spec, {input})));
  auto held = acquire_for_inference(sys, sup);
  out.infer = to_row(
      "remote." + where + ".infer", "cmm infer 1x64 fp32, 1 actor, " + where,
      run_actor_clients(sys, opts, infer_step(held.model, {input})));
  caf::scoped_actor self{sys};
  self->send(sup, release_atom_v, held.id, held.token);
  return out;
}

/// `cmm-bench-echo` next to this program.
std::string echo_program() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{"cmm-bench-echo"}
            : (self.parent_path() / "cmm-bench-echo").string();
}

/// The floor: a bare CAF round trip to an echo actor in another process
/// over loopback, one actor, `pairs` in a row.
measurement remote_floor(caf::actor_system& sys, const std::string& dir,
                         size_t pairs, size_t workers) {
  auto log_path = dir + "/remote-echo.log";
  std::filesystem::remove(log_path);
  node_guard guard;
  guard.child = start_program(
      {echo_program(), "--scheduler.max-threads=" + std::to_string(workers)},
      log_path);
  if (guard.child.pid == 0)
    throw std::runtime_error("cannot start cmm-bench-echo: " +
                             guard.child.error);
  auto port = wait_for_port(log_path, guard.child);
  auto echo = sys.middleman().remote_actor("127.0.0.1", port);
  if (!echo)
    throw std::runtime_error("cannot reach cmm-bench-echo: " +
                             sys.render(echo.error()));
  actor_clients_options opts;
  opts.steps_each = pairs;
  auto step = [echo = *echo](caf::event_based_actor* self,
                             std::function<void(bool)> done) {
    self->request(echo, request_timeout, caf::ok_atom_v)
        .then([done](caf::ok_atom) { done(true); },
              [done](caf::error&) { done(false); });
  };
  run_actor_clients(sys, actor_clients_options{}, step);
  return make_run_row(scenario_name, "remote.loopback.floor",
                      "bare CAF remote round trip, 1 actor, loopback",
                      run_actor_clients(sys, opts, step), "remote");
}

std::string node_ini(const std::string& dir) {
  auto path = dir + "/remote-node.ini";
  std::ofstream out{path};
  out << "[cmm]\ndtype=\"fp32\"\nlog-level=\"warn\"\n"
      << "[cmm.models]\n"
      << model_id << "=\"" << model_path << ",base\"\n";
  if (!out)
    throw std::runtime_error("cannot write " + path);
  return path;
}

} // namespace

void run_remote(scenario_context& ctx) {
  auto& report = ctx.report;
  auto node = ctx.opts.node_program;
  if (!std::filesystem::exists(node)) {
    report.skip(scenario_name, "cmm-node not found at " + node +
                                   ": build target cmm-node or pass "
                                   "--bench.node=PATH");
    return;
  }
  report.begin(scenario_name,
               "one actor's requests to a cmm-node child process over "
               "loopback next to the same requests to a manager in this "
               "process (a simulated model, by catalog id)");
  auto dir = std::filesystem::absolute(ctx.opts.out_dir).string();
  auto ini = node_ini(dir);
  auto log_path = dir + "/remote-node.log";
  std::filesystem::remove(log_path);
  node_guard guard;
  auto workers =
      caf::get_or(ctx.sys.config(), "scheduler.max-threads", size_t{2});
  guard.child =
      start_program({node, "--config-file=" + ini, "--node.port=0",
                     "--scheduler.max-threads=" + std::to_string(workers)},
                    log_path);
  if (guard.child.pid == 0)
    throw std::runtime_error("cannot start " + node + ": " + guard.child.error);
  auto port = wait_for_port(log_path, guard.child);
  middleman_config cfg{workers};
  caf::actor_system sys{cfg};
  auto remote_sup = connect_to_node(sys, "127.0.0.1", port);
  if (!remote_sup)
    throw std::runtime_error("cannot connect to cmm-node on port " +
                             std::to_string(port) + ": " +
                             sys.render(remote_sup.error()));
  auto pairs = ctx.plan.remote_pairs;
  side_rows local;
  {
    auto mcfg = bench_manager_config();
    mcfg.models.emplace(model_id, catalog_entry{model_id, model_path, "base"});
    manager_under_test mut{sys, mcfg, std::make_shared<sim_backend>()};
    local = measure_side(sys, mut.supervisor(), pairs, "local");
  }
  auto remote = measure_side(sys, *remote_sup, pairs, "loopback");
  auto floor = report.add(remote_floor(sys, dir, pairs, workers));
  report.add(local.hit);
  compare(remote.hit, floor);
  compare(remote.hit, local.hit);
  compare_throughput(remote.hit, local.hit);
  report.add(std::move(remote.hit));
  report.add(local.one_way);
  compare(remote.one_way, floor);
  compare(remote.one_way, local.one_way);
  report.add(std::move(remote.one_way));
  report.add(local.run);
  compare(remote.run, floor);
  compare(remote.run, local.run);
  report.add(std::move(remote.run));
  report.add(local.infer);
  compare(remote.infer, local.infer);
  compare_throughput(remote.infer, local.infer);
  report.add(std::move(remote.infer));
  report.note(scenario_name,
              std::to_string(pairs) +
                  " requests per row, one after another; the node runs "
                  "with as many CAF workers as this process, on the same "
                  "cores");
}

} // namespace cmm::bench
