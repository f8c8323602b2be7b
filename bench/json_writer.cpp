#include "json_writer.hpp"

#include <fstream>
#include <stdexcept>

#include "cmm/json_writer.hpp"

namespace cmm::bench {

namespace {

void write_latency(json_writer& out, const sample_stats& s) {
  out.begin_object()
      .field("median_us", s.median_us)
      .field("p99_us", s.p99_us)
      .field("min_us", s.min_us)
      .field("max_us", s.max_us)
      .field("mean_us", s.mean_us)
      .field("count", s.count)
      .end_object();
}

void write_row(json_writer& out, const measurement& row) {
  out.begin_object()
      .field("scenario", row.scenario)
      .field("key", row.key)
      .field("label", row.label);
  if (row.latency) {
    out.key("latency");
    write_latency(out, *row.latency);
  }
  if (row.throughput_per_s)
    out.field("throughput_per_s", *row.throughput_per_s);
  out.key("figures").begin_array();
  for (auto& f : row.figures)
    out.begin_object()
        .field("name", f.name)
        .field("value", f.value)
        .field("unit", f.unit)
        .end_object();
  out.end_array().key("ratios").begin_array();
  for (auto& r : row.ratios)
    out.begin_object()
        .field("against", r.against)
        .field("value", r.value)
        .end_object();
  out.end_array().end_object();
}

void write_notes(json_writer& out, const char* name,
                 const std::vector<scenario_note>& notes) {
  out.key(name).begin_array();
  for (auto& note : notes)
    out.begin_object()
        .field("scenario", note.scenario)
        .field("text", note.text)
        .end_object();
  out.end_array();
}

} // namespace

void write_json(const std::string& path, const run_info& run,
                const bench_report& report) {
  json_writer out;
  auto& m = run.machine;
  out.begin_object()
      .field("tool", "cmm-bench")
      .field("mode", to_string(run.plan.mode))
      .field("started_at", run.started_at)
      .field("wall_seconds", run.wall_seconds)
      .field("command", run.command_line)
      .key("machine")
      .begin_object()
      .field("cpu", m.cpu)
      .field("hardware_threads", m.hardware_threads)
      .field("memory_gib", m.memory_gib)
      .field("kernel", m.kernel)
      .field("caf", m.caf_version)
      .field("libtorch", m.torch_version)
      .field("caf_workers", run.caf_workers)
      .end_object();
  out.key("rows").begin_array();
  for (auto& row : report.rows())
    write_row(out, row);
  out.end_array();
  write_notes(out, "notes", report.notes());
  write_notes(out, "skipped", report.skipped());
  write_notes(out, "failed", report.failures());
  out.end_object();
  std::ofstream file{path};
  file << out.str() << '\n';
  if (!file)
    throw std::runtime_error("cannot write " + path);
}

} // namespace cmm::bench
