#include "bench_report.hpp"

#include "number_format.hpp"

namespace cmm::bench {

namespace {

constexpr const char* row_format = "  %-52s %10s %10s %10s  %s\n";

std::string details_of(const measurement& row) {
  std::string out;
  auto append = [&out](const std::string& str) {
    if (!out.empty())
      out += "; ";
    out += str;
  };
  for (auto& r : row.ratios)
    append(format_ratio(r));
  for (auto& f : row.figures)
    append(format_figure(f));
  return out;
}

} // namespace

bench_report::bench_report(std::FILE* out) : out_(out) {
  // nop
}

void bench_report::begin(const std::string& scenario,
                         const std::string& title) {
  titles_.push_back({scenario, title});
  std::fprintf(out_, "\n%s: %s\n", scenario.c_str(), title.c_str());
  std::fprintf(out_, row_format, "case", "median", "p99", "throughput",
               "vs baseline; details");
  std::fflush(out_);
}

const measurement& bench_report::add(measurement row) {
  auto median = row.latency ? format_duration(row.latency->median_us) : "-";
  auto p99 = row.latency ? format_duration(row.latency->p99_us) : "-";
  auto rate = row.throughput_per_s ? format_rate(*row.throughput_per_s) : "-";
  std::fprintf(out_, row_format, row.label.c_str(), median.c_str(), p99.c_str(),
               rate.c_str(), details_of(row).c_str());
  std::fflush(out_);
  rows_.push_back(std::move(row));
  return rows_.back();
}

void bench_report::skip(const std::string& scenario,
                        const std::string& reason) {
  skipped_.push_back({scenario, reason});
  std::fprintf(out_, "\n%s: skipped (%s)\n", scenario.c_str(), reason.c_str());
  std::fflush(out_);
}

void bench_report::fail(const std::string& scenario,
                        const std::string& reason) {
  failures_.push_back({scenario, reason});
  std::fprintf(out_, "%s: FAILED (%s)\n", scenario.c_str(), reason.c_str());
  std::fflush(out_);
}

void bench_report::note(const std::string& scenario, const std::string& text) {
  notes_.push_back({scenario, text});
  std::fprintf(out_, "  note: %s\n", text.c_str());
  std::fflush(out_);
}

std::string bench_report::title_of(const std::string& scenario) const {
  for (auto& t : titles_)
    if (t.scenario == scenario)
      return t.text;
  return scenario;
}

} // namespace cmm::bench
