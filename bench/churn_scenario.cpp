// churn: a working set twice the device budget, on simulated models whose
// load costs differ and whose popularity is skewed (Zipf), under the LRU
// and the cost-aware eviction policies: hit rate, loads, simulated reload
// time, and how many eviction decisions per second the policy makes.

#include <algorithm>
#include <cstdio>
#include <random>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actor_clients.hpp"
#include "cmm/eviction_policy.hpp"
#include "cmm/sim_backend.hpp"
#include "cmm_steps.hpp"
#include "manager_under_test.hpp"
#include "scenario.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "churn";
constexpr uint64_t model_bytes = 100'000'000;
constexpr const char* device_name = "sim:0";

/// Simulated load time of model `i` in ms: 1 to 10, unrelated to how
/// popular the model is.
uint32_t load_ms_of(size_t i) {
  return 1 + static_cast<uint32_t>((i * 7 + 3) % 10);
}

std::string id_of(size_t i) {
  return "c" + std::to_string(i);
}

std::string path_of(size_t i) {
  return "sim://churn" + std::to_string(i) +
         "?bytes=" + std::to_string(model_bytes) +
         "&load_ms=" + std::to_string(load_ms_of(i));
}

/// Which model each request names: Zipf(1) over popularity ranks, the rank
/// order a fixed shuffle of the models (the same for every client and
/// policy), each client with a generator seeded by its index.
class request_mix {
public:
  request_mix(size_t models, uint64_t seed) : gen_(seed) {
    double sum = 0;
    for (size_t r = 0; r < models; ++r) {
      sum += 1.0 / double(r + 1);
      cdf_.push_back(sum);
    }
    for (auto& x : cdf_)
      x /= sum;
    model_of_rank_.resize(models);
    for (size_t i = 0; i < models; ++i)
      model_of_rank_[i] = i;
    std::mt19937_64 shuffle_gen{42};
    std::shuffle(model_of_rank_.begin(), model_of_rank_.end(), shuffle_gen);
  }

  size_t next() {
    auto u = std::uniform_real_distribution<double>{0, 1}(gen_);
    auto rank = std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
    return model_of_rank_[std::min<size_t>(rank, cdf_.size() - 1)];
  }

private:
  std::mt19937_64 gen_;
  std::vector<double> cdf_;
  std::vector<size_t> model_of_rank_;
};

struct churn_result {
  client_run run;
  uint32_t loads = 0;
  uint32_t resident = 0;
  /// Simulated load time spent, in seconds.
  double reload_seconds = 0;
};

churn_result run_policy(scenario_context& ctx, eviction_policy policy) {
  auto& plan = ctx.plan;
  auto cfg = bench_manager_config();
  cfg.policy = policy;
  cfg.budgets[device_name] = plan.churn_budget_models * model_bytes;
  for (size_t i = 0; i < plan.churn_models; ++i)
    cfg.models.emplace(
        id_of(i), catalog_entry{id_of(i), path_of(i), "base", device_name});
  auto backend = std::make_shared<sim_backend>();
  manager_under_test mut{ctx.sys, cfg, backend};
  auto sup = mut.supervisor();
  actor_clients_options opts;
  opts.clients = plan.churn_clients;
  opts.steps_each = std::max<size_t>(1, plan.churn_requests / opts.clients);
  auto models = plan.churn_models;
  churn_result out;
  out.run = run_actor_clients(
      ctx.sys, opts, actor_step_factory{[sup, models](size_t index) {
        auto mix = std::make_shared<request_mix>(models, index + 1);
        return acquire_release_step(
            sup, [mix] { return model_spec::by_id(id_of(mix->next())); });
      }});
  out.loads = backend->total_loads();
  out.resident = backend->resident();
  for (size_t i = 0; i < plan.churn_models; ++i)
    out.reload_seconds += backend->loads(path_of(i)) * load_ms_of(i) / 1e3;
  return out;
}

measurement churn_row(eviction_policy policy, const std::string& suffix,
                      churn_result r) {
  auto label = std::string{"cmm "} + to_string(policy) + suffix;
  auto requests = r.run.samples_us.size();
  auto errors = r.run.errors;
  auto rate = r.run.throughput();
  auto row =
      make_latency_row(scenario_name, std::string{"churn."} + to_string(policy),
                       label, std::move(r.run.samples_us), "churn");
  row.throughput_per_s = rate;
  auto hits = requests > r.loads ? requests - r.loads : 0;
  row.figures.push_back({"hit rate",
                         requests ? 100.0 * double(hits) / double(requests) : 0,
                         "%"});
  row.figures.push_back({"loads", double(r.loads), ""});
  row.figures.push_back(
      {"evictions", double(r.loads > r.resident ? r.loads - r.resident : 0),
       ""});
  row.figures.push_back({"reload time", r.reload_seconds, " s"});
  if (errors > 0)
    row.figures.push_back({"errors", double(errors), ""});
  return row;
}

/// Times `iterations` calls of the pure policy on `count` idle candidates.
measurement decision_row(eviction_policy policy, size_t count,
                         size_t iterations) {
  std::vector<eviction_candidate> candidates;
  auto now = time_point{} + std::chrono::hours{1};
  std::mt19937_64 gen{7};
  for (size_t i = 0; i < count; ++i) {
    eviction_candidate c;
    c.name = "m" + std::to_string(i);
    c.bytes = model_bytes;
    c.last_access = now - std::chrono::milliseconds{gen() % 600000};
    c.load_seconds = load_ms_of(i) / 1e3;
    c.acquire_rate = double(gen() % 1000) / 100.0;
    candidates.push_back(std::move(c));
  }
  std::vector<double> samples;
  samples.reserve(iterations);
  size_t victims = 0;
  auto start = bench_clock::now();
  for (size_t i = 0; i < iterations; ++i) {
    auto t0 = bench_clock::now();
    auto plan = plan_eviction(policy, candidates, 2 * model_bytes);
    samples.push_back(micros_since(t0));
    victims += plan.victims.size();
  }
  auto wall = seconds_since(start);
  auto label = std::string{"plan_eviction "} + to_string(policy) + ", " +
               std::to_string(count) + " candidates";
  auto row = make_latency_row(scenario_name,
                              std::string{"churn.decide."} + to_string(policy) +
                                  "." + std::to_string(count),
                              label, std::move(samples));
  row.throughput_per_s = wall > 0 ? double(iterations) / wall : 0;
  if (victims != 2 * iterations)
    row.figures.push_back({"unexpected victims", double(victims), ""});
  return row;
}

} // namespace

void run_churn(scenario_context& ctx) {
  auto& plan = ctx.plan;
  auto& report = ctx.report;
  char title[200];
  std::snprintf(title, sizeof(title),
                "%zu simulated models of 100 MB (loads of 1-10 ms), budget "
                "for %zu, Zipf(1) requests from %zu client actors",
                plan.churn_models, plan.churn_budget_models,
                plan.churn_clients);
  report.begin(scenario_name, title);
  auto suffix = ", " + std::to_string(plan.churn_models) + " models / " +
                std::to_string(plan.churn_budget_models) + " fit";
  auto lru = report.add(churn_row(eviction_policy::lru, suffix,
                                  run_policy(ctx, eviction_policy::lru)));
  auto cost = churn_row(eviction_policy::cost_aware, suffix,
                        run_policy(ctx, eviction_policy::cost_aware));
  compare(cost, lru);
  auto reload = [](const measurement& row) {
    for (auto& f : row.figures)
      if (f.name == "reload time")
        return f.value;
    return 0.0;
  };
  if (reload(lru) > 0)
    cost.ratios.push_back(
        {"reload time of " + lru.label, reload(cost) / reload(lru)});
  report.add(std::move(cost));
  for (size_t count : {plan.churn_budget_models, size_t{1000}}) {
    auto iterations = std::max<size_t>(
        100, plan.churn_decisions * plan.churn_budget_models / count);
    auto lru_row =
        report.add(decision_row(eviction_policy::lru, count, iterations));
    auto cost_row =
        decision_row(eviction_policy::cost_aware, count, iterations);
    compare(cost_row, lru_row);
    report.add(std::move(cost_row));
  }
  report.note(scenario_name,
              "hit rate = 1 - loads / requests; reload time = simulated "
              "load time of all loads; plan_eviction rows time the pure "
              "policy choosing 2 victims (throughput = decisions/s)");
}

} // namespace cmm::bench
