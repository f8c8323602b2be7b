#pragma once

// Metrics as Prometheus counts them: families of counters, gauges and
// duration histograms, one series per label set, rendered in the text
// exposition format (version 0.0.4). Recording is a relaxed atomic
// operation on a series found once and kept; only finding a series takes
// the registry's lock, so actors on any thread record without waiting on
// each other and a scrape never stops them.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cmm/clock.hpp"

namespace cmm {

/// Label names and values of one series, in the family's label order.
using metric_labels = std::vector<std::pair<std::string, std::string>>;

class metric_counter {
public:
  void add(uint64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<uint64_t> value_{0};
};

class metric_gauge {
public:
  void set(int64_t x) noexcept { value_.store(x, std::memory_order_relaxed); }
  void add(int64_t n) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  int64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<int64_t> value_{0};
};

/// Durations in buckets with fixed upper bounds, in seconds.
class metric_histogram {
public:
  /// Upper bounds of the buckets (seconds), ascending; `+Inf` is implied.
  static constexpr std::array<double, 14> bounds{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  1,      5,     30};

  void observe(duration d) noexcept;

  /// Per bucket (the last one `+Inf`), not cumulative.
  std::array<uint64_t, bounds.size() + 1> counts() const noexcept;
  double sum_seconds() const noexcept;

private:
  std::array<std::atomic<uint64_t>, bounds.size() + 1> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

enum class metric_type { counter, gauge, histogram };

class metric_registry {
public:
  /// Declares a family; series are created on first use. Declaring a name
  /// twice keeps the first declaration.
  void declare(const std::string& name, metric_type type, std::string help,
               std::vector<std::string> label_names = {});

  /// The series of a declared family with these label values (in the
  /// family's label order); the reference stays valid as long as the
  /// registry. Throws `std::logic_error` for an undeclared family, a type
  /// that does not match or a wrong number of values: a defect of the
  /// caller, not of input.
  metric_counter& counter(const std::string& name,
                          const std::vector<std::string>& values = {});
  metric_gauge& gauge(const std::string& name,
                      const std::vector<std::string>& values = {});
  metric_histogram& histogram(const std::string& name,
                              const std::vector<std::string>& values = {});

  /// Every family with its `# HELP` and `# TYPE` lines and its series.
  std::string render() const;

private:
  struct series {
    metric_counter counter;
    metric_gauge gauge;
    metric_histogram histogram;
  };

  struct family {
    metric_type type;
    std::string help;
    std::vector<std::string> label_names;
    std::map<std::vector<std::string>, std::unique_ptr<series>> members;
  };

  series& find(const std::string& name, metric_type type,
               const std::vector<std::string>& values);

  mutable std::mutex mtx_;
  std::map<std::string, family> families_;
};

/// A label value escaped for the exposition format.
std::string escape_label_value(const std::string& x);

} // namespace cmm
