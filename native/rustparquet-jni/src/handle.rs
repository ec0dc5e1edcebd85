//! Native objects cross the JNI boundary as `jlong` handles that carry and check their kind.
//!
//! A handle is not a pointer: it is a number this module hands out (never reused in the life of
//! the process) and looks up in a table of the live objects, each stored with its [`Kind`]. So
//! whatever `Long` the JVM passes — a handle of another kind, one already closed or aborted, 0,
//! any other number — the lookup answers with a clear error ([`Error::Handle`]) that becomes a
//! `RustParquetException`; nothing is dereferenced on the JVM's word. Each object sits behind
//! its own mutex, held for the one call that uses it: a call made with a handle already in use
//! on another thread fails instead of racing (one task thread owns each writer). The cost is one
//! table lookup per JNI call, and calls are per batch, never per row.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, TryLockError};

use jni::sys::jlong;

use crate::background::BackgroundWriter;
use crate::error::{Error, Result};
use crate::raw::{JsonInferrer, JsonWriter};

/// A kind of native object the JVM holds handles to; its name appears in messages.
pub trait Kind: Any + Send {
    const NAME: &'static str;
}

impl Kind for BackgroundWriter {
    const NAME: &'static str = "typed writer";
}

impl Kind for JsonWriter {
    const NAME: &'static str = "raw JSON writer";
}

impl Kind for JsonInferrer {
    const NAME: &'static str = "schema inferrer";
}

type Object = Arc<Mutex<Box<dyn Any + Send>>>;

struct Live {
    kind: &'static str,
    object: Object,
}

/// The live objects by handle.
fn table() -> MutexGuard<'static, HashMap<jlong, Live>> {
    static TABLE: OnceLock<Mutex<HashMap<jlong, Live>>> = OnceLock::new();
    // The table is only ever changed by an insert or a remove, both complete before the lock
    // is released, so a poisoned lock (a panic elsewhere while holding it) still guards a
    // consistent map.
    TABLE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Handles start at 1 (0 is what the JVM side holds for "none") and are never reused.
static NEXT: AtomicI64 = AtomicI64::new(1);

/// Registers `object` and returns its new handle.
pub fn open<T: Kind>(object: T) -> jlong {
    let handle = NEXT.fetch_add(1, Ordering::Relaxed);
    let object: Box<dyn Any + Send> = Box::new(object);
    table().insert(
        handle,
        Live {
            kind: T::NAME,
            object: Arc::new(Mutex::new(object)),
        },
    );
    handle
}

fn error(handle: jlong, expected: &'static str, problem: String) -> Error {
    Error::Handle {
        handle,
        expected,
        problem,
    }
}

/// The live object behind `handle`, checked to be a `T`.
fn lookup<T: Kind>(table: &HashMap<jlong, Live>, handle: jlong) -> Result<&Live> {
    let live = table.get(&handle).ok_or_else(|| {
        error(
            handle,
            T::NAME,
            "it is not open (already closed or aborted, or never opened)".into(),
        )
    })?;
    if live.kind != T::NAME {
        return Err(error(handle, T::NAME, format!("it is a {}", live.kind)));
    }
    Ok(live)
}

/// Runs `work` on the object behind `handle`, a live `T` not in use by another call.
pub fn with<T: Kind, R>(handle: jlong, work: impl FnOnce(&mut T) -> Result<R>) -> Result<R> {
    let object = lookup::<T>(&table(), handle)?.object.clone();
    let mut guard = match object.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::WouldBlock) => {
            return Err(error(
                handle,
                T::NAME,
                "it is in use by another thread".into(),
            ))
        }
        Err(TryLockError::Poisoned(_)) => {
            return Err(error(
                handle,
                T::NAME,
                "an earlier call on it failed with an internal error; abort it".into(),
            ))
        }
    };
    let object = guard
        .downcast_mut::<T>()
        .ok_or_else(|| error(handle, T::NAME, "its object is of another type".into()))?;
    work(object)
}

/// Takes the `T` behind `handle` out of the table: the handle is dead afterwards, whatever the
/// caller then does with the object (finish it or drop it).
pub fn take<T: Kind>(handle: jlong) -> Result<T> {
    let live = {
        let mut table = table();
        let live = lookup::<T>(&table, handle)?;
        if Arc::strong_count(&live.object) > 1 {
            return Err(error(
                handle,
                T::NAME,
                "it is in use by another thread".into(),
            ));
        }
        table
            .remove(&handle)
            .ok_or_else(|| error(handle, T::NAME, "it vanished from the table".into()))?
    };
    let mutex = Arc::try_unwrap(live.object)
        .map_err(|_| error(handle, T::NAME, "it is in use by another thread".into()))?;
    let object = mutex.into_inner().map_err(|_| {
        error(
            handle,
            T::NAME,
            "an earlier call on it failed with an internal error; it was freed".into(),
        )
    })?;
    object
        .downcast::<T>()
        .map(|boxed| *boxed)
        .map_err(|_| error(handle, T::NAME, "its object is of another type".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Apple(u32);
    impl Kind for Apple {
        const NAME: &'static str = "plum";
    }

    struct Pear;
    impl Kind for Pear {
        const NAME: &'static str = "pear";
    }

    fn message<T>(result: Result<T>) -> String {
        match result {
            Ok(_) => "no error".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_handle_is_used_as_its_own_kind_and_consumed_once() -> Result<()> {
        let h = open(Apple(1));
        with::<Apple, _>(h, |a| {
            a.0 += 1;
            Ok(())
        })?;
        assert_eq!(take::<Apple>(h)?.0, 2);
        assert_eq!(
            message(take::<Apple>(h)),
            format!("native handle {h} is not a usable plum: it is not open (already closed or aborted, or never opened)")
        );
        assert_eq!(
            message(with::<Apple, _>(h, |_| Ok(()))),
            format!("native handle {h} is not a usable plum: it is not open (already closed or aborted, or never opened)")
        );
        Ok(())
    }

    #[test]
    fn a_handle_of_another_kind_is_refused_and_stays_usable() -> Result<()> {
        let h = open(Apple(7));
        assert_eq!(
            message(with::<Pear, _>(h, |_| Ok(()))),
            format!("native handle {h} is not a usable pear: it is a plum")
        );
        assert_eq!(
            message(take::<Pear>(h)),
            format!("native handle {h} is not a usable pear: it is a plum")
        );
        assert_eq!(take::<Apple>(h)?.0, 7);
        Ok(())
    }

    #[test]
    fn zero_and_made_up_numbers_are_refused() {
        for h in [0, -1, i64::MAX, 0x7f00_dead_beef] {
            assert!(message(with::<Apple, _>(h, |_| Ok(()))).contains("it is not open"));
            assert!(message(take::<Pear>(h)).contains("it is not open"));
        }
    }

    #[test]
    fn a_handle_in_use_cannot_be_used_again_or_taken() -> Result<()> {
        let h = open(Apple(0));
        with::<Apple, _>(h, |_| {
            assert!(message(with::<Apple, _>(h, |_| Ok(()))).contains("in use by another thread"));
            assert!(message(take::<Apple>(h)).contains("in use by another thread"));
            Ok(())
        })?;
        take::<Apple>(h)?;
        Ok(())
    }

    #[test]
    fn a_panic_during_a_call_leaves_the_handle_refused_but_freeable() {
        let h = open(Apple(0));
        let panicked = std::panic::catch_unwind(|| with::<Apple, ()>(h, |_| panic!("boom")));
        assert!(panicked.is_err());
        assert!(message(with::<Apple, _>(h, |_| Ok(()))).contains("an earlier call on it failed"));
        assert!(message(take::<Apple>(h)).contains("it was freed"));
        assert!(message(take::<Apple>(h)).contains("it is not open"));
    }
}
