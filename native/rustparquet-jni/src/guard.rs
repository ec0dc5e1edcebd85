//! The JNI boundary's safety net: every entry point's body runs in [`guard`], so an `Err` or a
//! panic becomes a pending `org.rustparquet.spark.RustParquetException` carrying the message,
//! never an unwind into the JVM. An exception already pending (thrown by a JNI call) wins.

use std::any::Any;

use jni::errors::ErrorPolicy;
use jni::{jni_str, Env, EnvUnowned};

use crate::error::{Error, Result};

const EXCEPTION_CLASS: &jni::strings::JNIStr =
    jni_str!("org/rustparquet/spark/RustParquetException");

/// Runs one entry point's body; on failure the JVM sees the exception and ignores the default.
pub fn guard<'local, T: Default>(
    env: &mut EnvUnowned<'local>,
    body: impl FnOnce(&mut Env<'local>) -> Result<T>,
) -> T {
    // Core messages name options as Spark options here: `maxDepth`.
    use rustparquet_core::option_key::{use_spelling, Spelling};
    use_spelling(Spelling::Spark);
    env.with_env(body).resolve::<ThrowRustParquetException>()
}

/// The [`ErrorPolicy`] behind [`guard`].
#[derive(Debug, Default)]
pub struct ThrowRustParquetException;

impl<T: Default> ErrorPolicy<T, Error> for ThrowRustParquetException {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut Self::Captures<'unowned_env_local, 'native_method>,
        err: Error,
    ) -> jni::errors::Result<T> {
        throw(env, err.to_string());
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut Self::Captures<'unowned_env_local, 'native_method>,
        payload: Box<dyn Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let text = panic_text(payload.as_ref());
        throw(
            env,
            format!("internal error (a bug, please report): {text}"),
        );
        Ok(T::default())
    }
}

fn throw(env: &mut Env<'_>, message: String) {
    if !env.exception_check() {
        // Throwing leaves the exception pending; the Err it returns only says so.
        let _ = env.throw_new(EXCEPTION_CLASS, jni::strings::JNIString::from(message));
    }
}

pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "a panic without a message"
    }
}
