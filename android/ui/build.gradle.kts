// Repository, view models and Compose screens. No android.* imports here: the same sources are
// compiled for the desktop JVM by tests/android.sh, where the view model tests and the Compose UI
// tests (screenshots included) run against the real core library.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "id.posyandu.ilp.app.ui"
    compileSdk = 36
    defaultConfig { minSdk = 24 }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    buildFeatures { compose = true }
    testOptions {
        unitTests.all {
            // The view model tests load the host build of the core (see android/README.md).
            val rustRoot = rootDir.resolve(providers.gradleProperty("ilp.rustRoot").get()).canonicalFile
            it.systemProperty("jna.library.path", rustRoot.resolve("build/lib").path)
            it.environment("ILP_TEST_SERVER", System.getenv("ILP_TEST_SERVER") ?: "")
        }
    }
}

kotlin { jvmToolchain(17) }

dependencies {
    api(project(":core"))
    implementation(platform(libs.compose.bom))
    api(libs.compose.ui)
    api(libs.compose.foundation)
    api(libs.compose.material3)
    implementation(libs.compose.ui.tooling.preview)
    debugImplementation(libs.compose.ui.tooling)
    api(libs.lifecycle.viewmodel)
    api(libs.lifecycle.viewmodel.compose)
    api(libs.lifecycle.runtime.compose)

    testImplementation(libs.junit)
    testImplementation(libs.kotlinx.coroutines.test)
    testImplementation(libs.jna.jar)
}
