#pragma once

#include <utility>
#include <variant>

#include "cmm/failure.hpp"

namespace cmm {

/// Either a value or the failure that prevented it.
template <class T> class result {
public:
  result(T value) : data_(std::move(value)) {
    // nop
  }

  result(failure err) : data_(std::move(err)) {
    // nop
  }

  explicit operator bool() const noexcept { return data_.index() == 0; }

  T& value() { return std::get<0>(data_); }

  const T& value() const { return std::get<0>(data_); }

  T& operator*() { return value(); }

  const T& operator*() const { return value(); }

  T* operator->() { return &value(); }

  const T* operator->() const { return &value(); }

  const failure& error() const { return std::get<1>(data_); }

private:
  std::variant<T, failure> data_;
};

} // namespace cmm
