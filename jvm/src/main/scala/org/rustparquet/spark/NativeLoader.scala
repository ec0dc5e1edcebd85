package org.rustparquet.spark

import java.io.File
import java.nio.file.{Files, StandardCopyOption}
import java.util.Locale

/**
 * Loads `librustparquet_jni` once per JVM: from `java.library.path` when it is there (a
 * developer's build), else from the copy inside our jar under
 * `org/rustparquet/spark/native/<os>/<arch>/`, extracted to a temporary file first.
 */
private[spark] object NativeLoader {
  val LibraryName = "rustparquet_jni"

  private[this] var loaded = false

  def os: String = {
    val name = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT)
    if (name.startsWith("linux")) "linux"
    else if (name.startsWith("mac") || name.startsWith("darwin")) "darwin"
    else if (name.startsWith("windows")) "windows"
    else name.replaceAll("\\s+", "")
  }

  def arch: String = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT) match {
    case "x86_64" => "amd64"
    case "arm64" => "aarch64"
    case other => other
  }

  def resourcePath: String =
    s"/org/rustparquet/spark/native/$os/$arch/${System.mapLibraryName(LibraryName)}"

  def load(): Unit = synchronized {
    if (!loaded) {
      try System.loadLibrary(LibraryName)
      catch {
        case _: UnsatisfiedLinkError => loadFromJar()
      }
      loaded = true
    }
  }

  private def loadFromJar(): Unit = {
    val in = getClass.getResourceAsStream(resourcePath)
    if (in == null) {
      throw new RustParquetException(
        s"rustparquet has no native library for this platform (os=$os, arch=$arch): " +
          s"the jar lacks $resourcePath and ${System.mapLibraryName(LibraryName)} is not on " +
          "java.library.path. Build it with scripts/build-jar on this platform.")
    }
    val file = File.createTempFile("librustparquet_jni-", ".so")
    try {
      try Files.copy(in, file.toPath, StandardCopyOption.REPLACE_EXISTING)
      finally in.close()
      System.load(file.getAbsolutePath)
    } finally {
      // A loaded library stays mapped after its file is removed, so nothing is left behind
      // even if the JVM is killed.
      if (!file.delete()) file.deleteOnExit()
    }
  }

  /** Whether this JVM can load the library (false on a platform the jar has no library for). */
  def available: Boolean =
    try { load(); true }
    catch { case _: RustParquetException | _: UnsatisfiedLinkError => false }
}
