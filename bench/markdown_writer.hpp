#pragma once

// The report for people: the machine, how to rerun, one table per scenario
// (the same rows as stdout), skipped and failed scenarios, and the plot.

#include <string>

#include "bench_report.hpp"
#include "run_info.hpp"

namespace cmm::bench {

/// Writes the Markdown report to `path`. `plot_file` is the PNG's name
/// relative to the report, or empty with `plot_status` saying why there is
/// none. Throws when the file cannot be written.
void write_markdown(const std::string& path, const run_info& run,
                    const bench_report& report, const std::string& plot_file,
                    const std::string& plot_status);

} // namespace cmm::bench
