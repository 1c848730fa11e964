package demo.shapes

import kotlin.math.PI

/**
 * A geometric shape.
 */
sealed class Shape {
    /** The area of the shape. */
    abstract fun area(): Double

    data class Circle(val radius: Double) : Shape() {
        override fun area(): Double = PI * radius * radius
    }

    class Rect(private val w: Double, private val h: Double) : Shape() {
        // Plain comment.
        override fun area(): Double {
            fun product(a: Double, b: Double) = a * b
            return product(w, h)
        }
    }

    companion object {
        /** Builds a unit square. */
        @JvmStatic
        fun unit(): Shape = Rect(1.0, 1.0)
    }
}

interface Named {
    val name: String

    fun greet(): String {
        return "hello $name"
    }
}

object Registry {
    private val shapes = mutableListOf<Shape>()

    fun <T : Shape> register(shape: T): T {
        shapes.add(shape)
        return shape
    }
}

/** Shouts the string. */
fun String.shout(): String = uppercase() + "!"

enum class Color {
    RED,
    GREEN;

    fun hex(): String = if (this == RED) "#f00" else "#0f0"
}
