//! Pieces every screen uses: loading, an error with retry, big buttons, section titles, a
//! labelled number field. Each has a content description for TalkBack.
package id.posyandu.ilp.app.common

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.text.input.VisualTransformation
import androidx.compose.ui.unit.dp
import id.posyandu.ilp.app.data.UiError
import id.posyandu.ilp.app.i18n.CommonTexts
import id.posyandu.ilp.app.i18n.LocalLanguage
import id.posyandu.ilp.app.theme.IlpColors
import id.posyandu.ilp.app.theme.TouchTarget

@Composable
fun LoadingView(modifier: Modifier = Modifier) {
    val t = CommonTexts.of(LocalLanguage.current)
    Box(modifier.fillMaxSize().semantics { contentDescription = t.loading }, contentAlignment = Alignment.Center) {
        CircularProgressIndicator()
    }
}

/** An error in a coloured box; with a retry button when `onRetry` is given. */
@Composable
fun ErrorView(error: UiError, modifier: Modifier = Modifier, onRetry: (() -> Unit)? = null) {
    val language = LocalLanguage.current
    val t = CommonTexts.of(language)
    val offline = error is UiError.Offline
    Column(
        modifier.fillMaxWidth()
            .background(
                if (offline) IlpColors.warningContainer else IlpColors.urgentContainer,
                RoundedCornerShape(8.dp),
            )
            .padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Text(
            error.message(language),
            color = if (offline) IlpColors.warning else IlpColors.urgent,
            style = MaterialTheme.typography.bodyLarge,
        )
        if (onRetry != null) OutlinedButton(onRetry, Modifier.heightIn(min = TouchTarget)) { Text(t.retry) }
    }
}

@Composable
fun BigButton(text: String, onClick: () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true) {
    Button(onClick, modifier.fillMaxWidth().heightIn(min = TouchTarget), enabled = enabled) {
        Text(text, style = MaterialTheme.typography.labelLarge)
    }
}

@Composable
fun SectionTitle(text: String, modifier: Modifier = Modifier) {
    Text(
        text,
        modifier.padding(top = 16.dp, bottom = 4.dp),
        style = MaterialTheme.typography.titleMedium,
        color = MaterialTheme.colorScheme.primary,
    )
}

/** A small coloured label ("Mendesak", "T", "KEK"). */
@Composable
fun Badge(text: String, color: Color, container: Color, modifier: Modifier = Modifier) {
    Text(
        text,
        modifier.background(container, RoundedCornerShape(6.dp)).padding(horizontal = 8.dp, vertical = 2.dp),
        color = color,
        style = MaterialTheme.typography.labelMedium,
    )
}

/** A text field with its label, an error under it naming what is wrong, and the right keyboard. */
@Composable
fun LabeledField(
    label: String,
    value: String,
    onValueChange: (String) -> Unit,
    modifier: Modifier = Modifier,
    error: String? = null,
    keyboard: KeyboardType = KeyboardType.Text,
    singleLine: Boolean = true,
    suffix: String? = null,
    /** Passwords and PINs: shown as dots. */
    secret: Boolean = false,
) {
    OutlinedTextField(
        value = value,
        onValueChange = onValueChange,
        modifier = modifier.fillMaxWidth().semantics { contentDescription = label },
        label = { Text(label) },
        isError = error != null,
        supportingText = error?.let { { Text(it, color = IlpColors.urgent) } },
        keyboardOptions = KeyboardOptions(keyboardType = keyboard),
        singleLine = singleLine,
        suffix = suffix?.let { { Text(it) } },
        visualTransformation = if (secret) PasswordVisualTransformation() else VisualTransformation.None,
    )
}

/** Two texts on one line, the label muted. */
@Composable
fun InfoRow(label: String, value: String, modifier: Modifier = Modifier) {
    Row(modifier.fillMaxWidth().padding(vertical = 2.dp), horizontalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(label, Modifier.weight(0.4f), color = IlpColors.muted, style = MaterialTheme.typography.bodyMedium)
        Text(value, Modifier.weight(0.6f), style = MaterialTheme.typography.bodyLarge)
    }
}
