#include <cstddef>
#include <vector>

namespace linalg {

/// A dense row-major matrix.
template <typename T>
class Matrix {
public:
    /// Creates a rows x cols matrix of zeros.
    Matrix(std::size_t rows, std::size_t cols)
        : rows_(rows), cols_(cols), data_(rows * cols) {}

    ~Matrix() = default;

    T& at(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }

    std::size_t rows() const;

    [[nodiscard]] Matrix operator*(const Matrix& other) const;

    struct Shape {
        std::size_t rows, cols;
        bool square() const { return rows == cols; }
    };

private:
    std::size_t rows_, cols_;
    std::vector<T> data_;
};

// Number of rows.
template <typename T>
std::size_t Matrix<T>::rows() const {
    return rows_;
}

/* Multiplies two matrices. */
template <typename T>
Matrix<T> Matrix<T>::operator*(const Matrix& other) const {
    Matrix result(rows_, other.cols_);
    auto dot = [&](std::size_t i, std::size_t j) {
        T sum{};
        for (std::size_t k = 0; k < cols_; ++k) sum += at(i, k) * other.data_[k * other.cols_ + j];
        return sum;
    };
    for (std::size_t i = 0; i < rows_; ++i)
        for (std::size_t j = 0; j < other.cols_; ++j) result.at(i, j) = dot(i, j);
    return result;
}

}  // namespace linalg

struct Point {
    int x = 0;
    int y = 0;
};

// Identity helper.
[[nodiscard]] inline int identity(int v) noexcept { return v; }

int main() {
    linalg::Matrix<double> m(2, 2);
    return static_cast<int>(m.rows());
}
