//! Looks for a cheap phone in sunlight: strong contrast, large type, touch targets of at least
//! 56 dp, and the colours of the KMS (green, yellow, red) for what needs attention.
package id.posyandu.ilp.app.theme

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp

object IlpColors {
    val primary = Color(0xFF00585E)
    val onPrimary = Color.White
    val urgent = Color(0xFFB3261E)
    val warning = Color(0xFF8A5A00)
    val warningContainer = Color(0xFFFFE9B8)
    val good = Color(0xFF1B6B2F)
    val goodContainer = Color(0xFFD5F2DB)
    val urgentContainer = Color(0xFFFFDAD6)
    val muted = Color(0xFF4A4A4A)
}

/** Smallest height of anything tappable. */
val TouchTarget = 56.dp

private val colors = lightColorScheme(
    primary = IlpColors.primary,
    onPrimary = IlpColors.onPrimary,
    primaryContainer = Color(0xFFB8ECEF),
    onPrimaryContainer = Color(0xFF002022),
    secondary = Color(0xFF34495E),
    error = IlpColors.urgent,
    errorContainer = IlpColors.urgentContainer,
    background = Color.White,
    surface = Color.White,
    onSurface = Color(0xFF111111),
    onSurfaceVariant = IlpColors.muted,
    surfaceVariant = Color(0xFFEDEFF0),
)

private val type = Typography(
    headlineSmall = TextStyle(fontSize = 24.sp, fontWeight = FontWeight.SemiBold, lineHeight = 30.sp),
    titleLarge = TextStyle(fontSize = 22.sp, fontWeight = FontWeight.SemiBold, lineHeight = 28.sp),
    titleMedium = TextStyle(fontSize = 19.sp, fontWeight = FontWeight.SemiBold, lineHeight = 25.sp),
    bodyLarge = TextStyle(fontSize = 18.sp, lineHeight = 25.sp),
    bodyMedium = TextStyle(fontSize = 16.sp, lineHeight = 22.sp),
    labelLarge = TextStyle(fontSize = 17.sp, fontWeight = FontWeight.SemiBold, lineHeight = 22.sp),
    labelMedium = TextStyle(fontSize = 14.sp, fontWeight = FontWeight.Medium, lineHeight = 18.sp),
)

@Composable
fun IlpTheme(content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = colors, typography = type, content = content)
}
