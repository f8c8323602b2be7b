// batch: concurrent clients inferring on one generated model through a
// lease they hold: the manager with dynamic batching
// next to the same manager without it, and next to the careful lock design
// running one forward per request on its clients' threads. Two models: a
// small MLP and a conv stack (Conv1d and two ConvTranspose1d).

#include <algorithm>
#include <filesystem>

#include <caf/actor_system.hpp>

#include "actor_clients.hpp"
#include "bench_models.hpp"
#include "careful_manager.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/torchscript_backend.hpp"
#include "cmm_steps.hpp"
#include "manager_under_test.hpp"
#include "scenario.hpp"
#include "thread_clients.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "batch";

/// The batching the manager's rows use: up to 64 rows of what waits in the
/// model actor's mailbox, no waiting for more.
const batch_policy policy{64, std::chrono::milliseconds{0}};

struct batch_model {
  std::string key;
  std::string label;
  std::string path;
  tensor input;
  /// Requests per row, split across its clients.
  size_t requests;
};

std::vector<batch_model> models(const std::string& dir, size_t requests) {
  std::filesystem::create_directories(dir);
  auto mlp = dir + "/batch-mlp.pt";
  if (!std::filesystem::exists(mlp)) {
    model_blueprint bp;
    bp.width = 64;
    bp.hidden = 256;
    write_model(mlp, bp);
  }
  auto conv = dir + "/batch-conv.pt";
  if (!std::filesystem::exists(conv))
    write_conv_transpose_model(conv);
  std::vector<float> row(64, 0.25f);
  std::vector<float> mel(64 * 16, 0.25f);
  return {
      {"mlp", "MLP 64-256-64, input 1x64", mlp,
       make_tensor_from_floats(dtype::f32, {1, 64}, row), requests},
      {"conv", "conv stack, input 1x64x16", conv,
       make_tensor_from_floats(dtype::f32, {1, 64, 16}, mel), requests / 4},
  };
}

client_run manager_run(caf::actor_system& sys, const batch_model& m,
                       bool batching, size_t clients) {
  auto cfg = bench_manager_config();
  catalog_entry entry{"m", m.path, "base"};
  if (batching)
    entry.batch = policy;
  cfg.models.emplace("m", entry);
  manager_under_test mut{sys, cfg, make_default_backend(cfg)};
  // The clients share one lease, as a serving loop holds its model; the
  // model is loaded and run once before the clock starts.
  auto held = mut.client().acquire(model_spec::by_id("m"));
  mut.client().infer(held.get(), {m.input});
  actor_clients_options opts;
  opts.clients = clients;
  opts.steps_each = std::max<size_t>(1, m.requests / clients);
  return run_actor_clients(sys, opts, infer_step(held.get().model, {m.input}));
}

client_run careful_run(careful_manager& careful, const batch_model& m,
                       size_t clients) {
  thread_clients_options opts;
  opts.threads = clients;
  opts.steps_each = std::max<size_t>(1, m.requests / clients);
  return run_client_threads(opts, [&careful, &m]() -> thread_step {
    return [&careful, &m] {
      auto& model = careful.load_model(m.path, "base");
      auto out = model.infer({m.input});
      careful.release_model(m.path);
      return static_cast<bool>(out);
    };
  });
}

} // namespace

void run_batch(scenario_context& ctx) {
  auto& report = ctx.report;
  report.begin(scenario_name,
               "N clients at once, each running one request after another "
               "on one generated model (fp32, cpu); the manager with "
               "`batch=" +
                   to_string(policy) +
                   "` next to the same manager without batching and to the "
                   "careful lock design");
  for (auto& m : models(ctx.opts.model_dir, ctx.plan.batch_requests)) {
    careful_manager careful{std::make_shared<torchscript_backend>()};
    careful.load_model(m.path, "base").infer({m.input});
    careful.release_model(m.path);
    for (auto n : ctx.plan.batch_clients) {
      auto who = std::to_string(n) + (n == 1 ? " client" : " clients");
      auto key = "batch." + m.key + ".c" + std::to_string(n);
      auto lock = report.add(
          make_run_row(scenario_name, key + ".careful",
                       "careful lock design, " + m.label + ", " + who,
                       careful_run(careful, m, n)));
      auto plain =
          make_run_row(scenario_name, key + ".plain",
                       "cmm infer without batching, " + m.label + ", " + who,
                       manager_run(ctx.sys, m, false, n));
      compare_throughput(plain, lock);
      report.add(plain);
      auto batched =
          make_run_row(scenario_name, key + ".batched",
                       "cmm infer with batching, " + m.label + ", " + who,
                       manager_run(ctx.sys, m, true, n));
      compare_throughput(batched, plain);
      compare_throughput(batched, lock);
      report.add(std::move(batched));
    }
  }
  report.note(scenario_name,
              std::to_string(ctx.plan.batch_requests) +
                  " requests per MLP row (a quarter for the conv stack), "
                  "split across its clients; libtorch's intra-op threads as "
                  "configured (cmm.intra-op-threads)");
}

} // namespace cmm::bench
