//! The growth chart drawn with Compose Canvas: the core's WHO reference lines from −3 to +3 SD
//! (−3/+3 red, −2/+2 orange, −1/+1 grey, median green), the child's measurements as dots joined
//! in time order, and labelled axes. Drawing only: every number comes from the core's GrowthChart.
package id.posyandu.ilp.app.person

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.width
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.PathEffect
import androidx.compose.ui.graphics.drawscope.DrawScope
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.TextMeasurer
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.drawText
import androidx.compose.ui.text.rememberTextMeasurer
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.core.GrowthChart
import kotlin.math.abs
import kotlin.math.ceil
import kotlin.math.floor
import kotlin.math.log10
import kotlin.math.max
import kotlin.math.min
import kotlin.math.pow

object ChartColors {
    val sd3 = Color(0xFFC62828)
    val sd2 = Color(0xFFEF8C00)
    val sd1 = Color(0xFFB0B0B0)
    val median = Color(0xFF2E7D32)
    val child = Color(0xFF0D47A1)
    val grid = Color(0xFFE3E6E8)

    /** Colour of reference line `i` (0 = −3 SD … 6 = +3 SD). */
    fun line(i: Int): Color = when (i) {
        0, 6 -> sd3
        1, 5 -> sd2
        3 -> median
        else -> sd1
    }
}

private const val DAYS_PER_MONTH = 30.4375

/** The part of the x axis to show: the child's own span (with some room ahead), not all 0–60 months. */
internal fun visibleXRange(chart: GrowthChart): Pair<Double, Double> {
    val xs = chart.curves.map { it.x }
    if (xs.isEmpty()) return 0.0 to 1.0
    val curveMin = xs.min()
    val curveMax = xs.max()
    val points = chart.points.map { it.x }
    if (points.isEmpty()) return curveMin to curveMax
    return if (chart.xUnit == "cm") {
        max(curveMin, points.min() - 10) to min(curveMax, points.max() + 10)
    } else {
        val end = max(points.max() * 1.25, points.max() + 120.0).coerceAtLeast(365.0)
        curveMin to min(curveMax, end)
    }
}

/** Round steps (1, 2, 5 × 10ⁿ) about `count` to a span. */
private fun niceStep(span: Double, count: Int): Double {
    if (span <= 0) return 1.0
    val raw = span / count
    val mag = 10.0.pow(floor(log10(raw)))
    val f = raw / mag
    return mag * when {
        f <= 1 -> 1.0
        f <= 2 -> 2.0
        f <= 5 -> 5.0
        else -> 10.0
    }
}

private fun label(v: Double): String =
    if (abs(v - Math.rint(v)) < 1e-6) Math.rint(v).toLong().toString() else "%.1f".format(v).replace('.', ',')

@Composable
fun GrowthChartCanvas(chart: GrowthChart, texts: PersonTexts, modifier: Modifier = Modifier) {
    val measurer = rememberTextMeasurer()
    val (x0, x1) = visibleXRange(chart)
    val inView = chart.curves.filter { it.x in x0..x1 && it.sd.size == 7 }
    val ys = inView.flatMap { listOf(it.sd[0], it.sd[6]) } + chart.points.filter { it.x in x0..x1 }.map { it.value }
    val yMin = floor((ys.minOrNull() ?: 0.0) * 0.95)
    val yMax = ceil((ys.maxOrNull() ?: 1.0) * 1.02)
    val byMonths = chart.xUnit != "cm"
    val last = chart.points.lastOrNull()
    val description = texts.chartDescription(chart.label, chart.points.size, last?.value, last?.categoryLabel)
    Column(modifier) {
        Box(
            Modifier.fillMaxWidth().height(300.dp).semantics { contentDescription = description },
        ) {
            Canvas(Modifier.fillMaxWidth().height(300.dp)) {
                val left = 44.dp.toPx()
                val bottom = size.height - 36.dp.toPx()
                val top = 8.dp.toPx()
                val right = size.width - 8.dp.toPx()
                fun px(x: Double) = (left + (x - x0) / (x1 - x0) * (right - left)).toFloat()
                fun py(y: Double) = (bottom - (y - yMin) / (yMax - yMin) * (bottom - top)).toFloat()
                val style = TextStyle(fontSize = 11.sp, color = IlpColors.muted)

                // Grid and y labels.
                val yStep = niceStep(yMax - yMin, 6)
                var y = ceil(yMin / yStep) * yStep
                while (y <= yMax + 1e-9) {
                    drawLine(ChartColors.grid, Offset(left, py(y)), Offset(right, py(y)), 1f)
                    drawLabel(measurer, label(y), style, Offset(4.dp.toPx(), py(y) - 7.dp.toPx()))
                    y += yStep
                }
                // Grid and x labels: months on an age chart, cm on a weight-for-length chart.
                val (u0, u1) = if (byMonths) x0 / DAYS_PER_MONTH to x1 / DAYS_PER_MONTH else x0 to x1
                val xStep = niceStep(u1 - u0, 6).let { if (byMonths) max(1.0, it) else it }
                var u = ceil(u0 / xStep) * xStep
                while (u <= u1 + 1e-9) {
                    val x = if (byMonths) u * DAYS_PER_MONTH else u
                    drawLine(ChartColors.grid, Offset(px(x), top), Offset(px(x), bottom), 1f)
                    drawLabel(measurer, label(u), style, Offset(px(x) - 6.dp.toPx(), bottom + 3.dp.toPx()))
                    u += xStep
                }
                drawLine(IlpColors.muted, Offset(left, bottom), Offset(right, bottom), 2f)
                drawLine(IlpColors.muted, Offset(left, top), Offset(left, bottom), 2f)
                drawLabel(
                    measurer, if (byMonths) texts.axisMonths else texts.axisCm, style,
                    Offset((left + right) / 2 - 30.dp.toPx(), bottom + 18.dp.toPx()),
                )

                // Reference lines, the median last so it stays on top.
                for (i in listOf(2, 4, 1, 5, 0, 6, 3)) {
                    val path = Path()
                    inView.forEachIndexed { k, c ->
                        if (k == 0) path.moveTo(px(c.x), py(c.sd[i])) else path.lineTo(px(c.x), py(c.sd[i]))
                    }
                    drawPath(
                        path, ChartColors.line(i),
                        style = Stroke(
                            width = if (i == 3) 3.dp.toPx() else 2.dp.toPx(),
                            pathEffect = if (i == 2 || i == 4) PathEffect.dashPathEffect(floatArrayOf(8f, 8f)) else null,
                        ),
                    )
                }

                // The child's measurements.
                val shown = chart.points.filter { it.x in x0..x1 }
                for (k in 1 until shown.size) {
                    drawLine(
                        ChartColors.child,
                        Offset(px(shown[k - 1].x), py(shown[k - 1].value)),
                        Offset(px(shown[k].x), py(shown[k].value)),
                        2.dp.toPx(),
                    )
                }
                shown.forEach { p ->
                    val c = Offset(px(p.x), py(p.value))
                    if (p.flagged) {
                        drawCircle(ChartColors.sd3, 6.dp.toPx(), c, style = Stroke(2.dp.toPx()))
                    } else {
                        drawCircle(Color.White, 6.dp.toPx(), c)
                        drawCircle(ChartColors.child, 5.dp.toPx(), c)
                    }
                }
            }
        }
        Legend(texts)
    }
}

private fun DrawScope.drawLabel(measurer: TextMeasurer, text: String, style: TextStyle, at: Offset) {
    drawText(measurer, text, at, style)
}

@Composable
private fun Legend(texts: PersonTexts) {
    Row(
        Modifier.fillMaxWidth(),
        horizontalArrangement = Arrangement.spacedBy(10.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        LegendItem(ChartColors.sd3, "±3 SD")
        LegendItem(ChartColors.sd2, "±2 SD")
        LegendItem(ChartColors.median, texts.median)
        LegendItem(ChartColors.child, texts.child)
    }
}

@Composable
private fun LegendItem(color: Color, text: String) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(4.dp)) {
        Canvas(Modifier.width(18.dp).height(10.dp)) {
            drawLine(color, Offset(0f, size.height / 2), Offset(size.width, size.height / 2), 3.dp.toPx())
        }
        Text(text, style = MaterialTheme.typography.labelMedium)
    }
}
