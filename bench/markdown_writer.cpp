#include "markdown_writer.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "number_format.hpp"

namespace cmm::bench {

namespace {

/// Keeps `|` from splitting a table cell.
std::string cell(const std::string& str) {
  std::string out;
  for (char c : str) {
    if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

std::string joined_details(const measurement& row) {
  std::string out;
  for (auto& r : row.ratios)
    out += (out.empty() ? "" : "; ") + format_ratio(r);
  for (auto& f : row.figures)
    out += (out.empty() ? "" : "; ") + format_figure(f);
  return out;
}

void write_scenario(std::ostream& out, const bench_report& report,
                    const std::string& scenario) {
  out << "\n### " << scenario << "\n\n"
      << report.title_of(scenario) << "\n\n"
      << "| case | median | p99 | throughput | vs baseline; details |\n"
      << "| --- | ---: | ---: | ---: | --- |\n";
  for (auto& row : report.rows()) {
    if (row.scenario != scenario)
      continue;
    out << "| " << cell(row.label) << " | "
        << (row.latency ? format_duration(row.latency->median_us) : "-")
        << " | " << (row.latency ? format_duration(row.latency->p99_us) : "-")
        << " | "
        << (row.throughput_per_s ? format_rate(*row.throughput_per_s) : "-")
        << " | " << cell(joined_details(row)) << " |\n";
  }
  for (auto& n : report.notes())
    if (n.scenario == scenario)
      out << "\n" << n.text << ".\n";
}

} // namespace

void write_markdown(const std::string& path, const run_info& run,
                    const bench_report& report, const std::string& plot_file,
                    const std::string& plot_status) {
  std::ostringstream out;
  auto& m = run.machine;
  out << "# cmm-bench report (" << to_string(run.plan.mode) << " mode)\n\n"
      << "- started " << run.started_at << ", took "
      << format_duration(run.wall_seconds * 1e6) << "\n"
      << "- machine: " << m.cpu << ", " << m.hardware_threads
      << " hardware threads, ";
  char mem[32];
  std::snprintf(mem, sizeof(mem), "%.1f GiB", m.memory_gib);
  out << mem << ", " << m.kernel << "\n"
      << "- CAF " << m.caf_version << " with " << run.caf_workers
      << " scheduler workers, libtorch " << m.torch_version << "\n"
      << "- rerun: `" << run.command_line << "`\n\n"
      << "Every ratio compares with a baseline measured in the same process "
         "and run; medians unless it says p99. Baselines: **seed** is the "
         "Python design's mutex-guarded map with the lock held during "
         "loads, **careful** a lock over the map only with a per-model "
         "once-flag; both load through the same cmm backend as the "
         "manager.\n";
  std::vector<std::string> order;
  for (auto& t : report.titles())
    order.push_back(t.scenario);
  out << "\n## Results\n";
  for (auto& scenario : order)
    write_scenario(out, report, scenario);
  if (!report.skipped().empty()) {
    out << "\n## Not measured\n\n";
    for (auto& s : report.skipped())
      out << "- " << s.scenario << ": skipped (" << s.text << ")\n";
  }
  if (!report.failures().empty()) {
    out << "\n## Failed\n\n";
    for (auto& s : report.failures())
      out << "- " << s.scenario << ": " << s.text << "\n";
  }
  out << "\n## Latency distributions\n\n";
  if (!plot_file.empty())
    out << "![latency distributions](" << plot_file << ")\n";
  else
    out << "No plot: " << plot_status << ".\n";
  std::ofstream file{path};
  file << out.str();
  if (!file)
    throw std::runtime_error("cannot write " + path);
}

} // namespace cmm::bench
