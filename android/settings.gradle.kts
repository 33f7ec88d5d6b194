// The Android app: Android Studio opens this directory (android/). See android/README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "posyandu-ilp"

// core: the Rust library per ABI (cargo-ndk) and its uniffi Kotlin bindings, both built by Gradle tasks.
include(":core")
// ui: repository, view models and Compose screens; no android.* imports, so the same code runs in the
// desktop JVM tests (tests/android.sh).
include(":ui")
// app: the Android application (activity, Keystore key, WorkManager sync).
include(":app")
