#pragma once

// Collects the rows of one run and prints each as it arrives, so a long run
// shows its progress. The writers (JSON, Markdown, plot) read it afterwards.

#include <cstdio>
#include <string>
#include <vector>

#include "measurement.hpp"

namespace cmm::bench {

/// A line about a whole scenario: why it was skipped, why it failed, or
/// what a reader should know to read its rows.
struct scenario_note {
  std::string scenario;
  std::string text;
};

class bench_report {
public:
  explicit bench_report(std::FILE* out);

  /// Prints a scenario's heading and the column names.
  void begin(const std::string& scenario, const std::string& title);

  /// Adds a row and prints it.
  const measurement& add(measurement row);

  /// Records and prints `SCENARIO: skipped (REASON)`.
  void skip(const std::string& scenario, const std::string& reason);

  /// Records and prints `SCENARIO: FAILED (REASON)`.
  void fail(const std::string& scenario, const std::string& reason);

  /// Records and prints a remark under the scenario's rows.
  void note(const std::string& scenario, const std::string& text);

  const std::vector<measurement>& rows() const noexcept { return rows_; }

  const std::vector<scenario_note>& titles() const noexcept { return titles_; }

  const std::vector<scenario_note>& skipped() const noexcept {
    return skipped_;
  }

  const std::vector<scenario_note>& failures() const noexcept {
    return failures_;
  }

  const std::vector<scenario_note>& notes() const noexcept { return notes_; }

  /// The title `begin` gave a scenario, or its name.
  std::string title_of(const std::string& scenario) const;

private:
  std::FILE* out_;
  std::vector<measurement> rows_;
  std::vector<scenario_note> titles_;
  std::vector<scenario_note> skipped_;
  std::vector<scenario_note> failures_;
  std::vector<scenario_note> notes_;
};

} // namespace cmm::bench
