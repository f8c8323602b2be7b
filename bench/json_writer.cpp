#include "json_writer.hpp"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace cmm::bench {

namespace {

// Keys stay in the order they are written here.
using json = nlohmann::ordered_json;

json latency_json(const sample_stats& s) {
  return {{"median_us", s.median_us}, {"p99_us", s.p99_us},
          {"min_us", s.min_us},       {"max_us", s.max_us},
          {"mean_us", s.mean_us},     {"count", s.count}};
}

json row_json(const measurement& row) {
  json out{{"scenario", row.scenario}, {"key", row.key}, {"label", row.label}};
  if (row.latency)
    out["latency"] = latency_json(*row.latency);
  if (row.throughput_per_s)
    out["throughput_per_s"] = *row.throughput_per_s;
  auto figures = json::array();
  for (auto& f : row.figures)
    figures.push_back({{"name", f.name}, {"value", f.value}, {"unit", f.unit}});
  out["figures"] = std::move(figures);
  auto ratios = json::array();
  for (auto& r : row.ratios)
    ratios.push_back({{"against", r.against}, {"value", r.value}});
  out["ratios"] = std::move(ratios);
  return out;
}

json notes_json(const std::vector<scenario_note>& notes) {
  auto out = json::array();
  for (auto& note : notes)
    out.push_back({{"scenario", note.scenario}, {"text", note.text}});
  return out;
}

} // namespace

void write_json(const std::string& path, const run_info& run,
                const bench_report& report) {
  auto& m = run.machine;
  auto rows = json::array();
  for (auto& row : report.rows())
    rows.push_back(row_json(row));
  json doc{{"tool", "cmm-bench"},
           {"mode", to_string(run.plan.mode)},
           {"started_at", run.started_at},
           {"wall_seconds", run.wall_seconds},
           {"command", run.command_line},
           {"machine",
            {{"cpu", m.cpu},
             {"hardware_threads", m.hardware_threads},
             {"memory_gib", m.memory_gib},
             {"kernel", m.kernel},
             {"caf", m.caf_version},
             {"libtorch", m.torch_version},
             {"caf_workers", run.caf_workers}}},
           {"rows", std::move(rows)},
           {"notes", notes_json(report.notes())},
           {"skipped", notes_json(report.skipped())},
           {"failed", notes_json(report.failures())}};
  // A byte that is not valid UTF-8 (say, in a CPU name) becomes U+FFFD.
  std::ofstream file{path};
  file << doc.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  if (!file)
    throw std::runtime_error("cannot write " + path);
}

} // namespace cmm::bench
