#include "json_writer.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cmm::bench {

namespace {

std::string quoted(const std::string& str) {
  std::string out = "\"";
  for (unsigned char c : str) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

std::string number(double x) {
  if (!std::isfinite(x))
    return "null";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", x);
  return buf;
}

void write_latency(std::ostream& out, const sample_stats& s) {
  out << "{\"median_us\": " << number(s.median_us)
      << ", \"p99_us\": " << number(s.p99_us)
      << ", \"min_us\": " << number(s.min_us)
      << ", \"max_us\": " << number(s.max_us)
      << ", \"mean_us\": " << number(s.mean_us) << ", \"count\": " << s.count
      << "}";
}

void write_row(std::ostream& out, const measurement& row) {
  out << "    {\"scenario\": " << quoted(row.scenario)
      << ", \"key\": " << quoted(row.key)
      << ", \"label\": " << quoted(row.label);
  if (row.latency) {
    out << ",\n     \"latency\": ";
    write_latency(out, *row.latency);
  }
  if (row.throughput_per_s)
    out << ",\n     \"throughput_per_s\": " << number(*row.throughput_per_s);
  out << ",\n     \"figures\": [";
  for (size_t i = 0; i < row.figures.size(); ++i) {
    auto& f = row.figures[i];
    out << (i ? ", " : "") << "{\"name\": " << quoted(f.name)
        << ", \"value\": " << number(f.value)
        << ", \"unit\": " << quoted(f.unit) << "}";
  }
  out << "],\n     \"ratios\": [";
  for (size_t i = 0; i < row.ratios.size(); ++i) {
    auto& r = row.ratios[i];
    out << (i ? ", " : "") << "{\"against\": " << quoted(r.against)
        << ", \"value\": " << number(r.value) << "}";
  }
  out << "]}";
}

void write_notes(std::ostream& out, const char* name,
                 const std::vector<scenario_note>& notes) {
  out << "  " << quoted(name) << ": [";
  for (size_t i = 0; i < notes.size(); ++i)
    out << (i ? ", " : "") << "{\"scenario\": " << quoted(notes[i].scenario)
        << ", \"text\": " << quoted(notes[i].text) << "}";
  out << "]";
}

} // namespace

void write_json(const std::string& path, const run_info& run,
                const bench_report& report) {
  std::ostringstream out;
  auto& m = run.machine;
  out << "{\n  \"tool\": \"cmm-bench\",\n"
      << "  \"mode\": " << quoted(to_string(run.plan.mode)) << ",\n"
      << "  \"started_at\": " << quoted(run.started_at) << ",\n"
      << "  \"wall_seconds\": " << number(run.wall_seconds) << ",\n"
      << "  \"command\": " << quoted(run.command_line) << ",\n"
      << "  \"machine\": {\"cpu\": " << quoted(m.cpu)
      << ", \"hardware_threads\": " << m.hardware_threads
      << ", \"memory_gib\": " << number(m.memory_gib)
      << ", \"kernel\": " << quoted(m.kernel)
      << ", \"caf\": " << quoted(m.caf_version)
      << ", \"libtorch\": " << quoted(m.torch_version)
      << ", \"caf_workers\": " << run.caf_workers << "},\n"
      << "  \"rows\": [\n";
  auto& rows = report.rows();
  for (size_t i = 0; i < rows.size(); ++i) {
    write_row(out, rows[i]);
    out << (i + 1 < rows.size() ? ",\n" : "\n");
  }
  out << "  ],\n";
  write_notes(out, "notes", report.notes());
  out << ",\n";
  write_notes(out, "skipped", report.skipped());
  out << ",\n";
  write_notes(out, "failed", report.failures());
  out << "\n}\n";
  std::ofstream file{path};
  file << out.str();
  if (!file)
    throw std::runtime_error("cannot write " + path);
}

} // namespace cmm::bench
