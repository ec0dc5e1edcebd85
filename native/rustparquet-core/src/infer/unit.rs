//! The rule that bad documents add nothing to the inferred schema, in one place: how a unit
//! of documents is folded ([`fold_unit`]) and the folder it is folded with ([`DocumentFolder`]).

use super::SchemaInferrer;
use crate::bad_document::{one_document, BadDocument, OneDocument};
use crate::error::{Location, Result};
use crate::json::Parser;

/// Folds one unit of documents (an input, a parallel chunk, a batch of rows from Spark) so
/// that its bad documents add nothing to the schema: the one place this rule lives.
///
/// Inference folds a document in as it parses it, so a document that turns out bad half way
/// has already folded its valid beginning in (a key or a type no good document has). Checking
/// every document before folding it would parse everything twice; instead `fold` runs over the
/// unit as it comes, starting from `start()`, and reports whether it met a bad document; if it
/// did, it runs again from `start()` with a [`DocumentFolder`] that checks each document before
/// folding it, so the second parse is paid only where bad documents are. With `checked` set the
/// first run checks already (input that can be read only once). Returns the inferrer and what
/// the last run of `fold` returned.
pub fn fold_unit<T>(
    start: impl Fn() -> SchemaInferrer,
    checked: bool,
    mut fold: impl FnMut(&mut DocumentFolder) -> Result<(T, bool)>,
) -> Result<(SchemaInferrer, T)> {
    let mut folder = DocumentFolder {
        inferrer: start(),
        check_first: checked,
    };
    let (out, met_bad) = fold(&mut folder)?;
    if !met_bad || checked {
        return Ok((folder.inferrer, out));
    }
    let mut folder = DocumentFolder {
        inferrer: start(),
        check_first: true,
    };
    let (out, _) = fold(&mut folder)?;
    Ok((folder.inferrer, out))
}

/// Folds the documents of a unit into an inferrer, checking each first when the unit met a bad
/// document (see [`fold_unit`]).
pub struct DocumentFolder {
    inferrer: SchemaInferrer,
    check_first: bool,
}

impl DocumentFolder {
    /// Folds the document at the parser's position; a bad one is reported for the caller to
    /// judge ([`crate::bad_document::judge`]).
    pub fn fold(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        if self.check_first {
            p.clone().skip_value()?;
        }
        self.inferrer.fold_document(p, locate)
    }

    /// Folds the one document of `doc` (a row: one document, surrounded by whitespace at most).
    pub fn fold_one(
        &mut self,
        doc: &[u8],
        name: &dyn Fn() -> std::sync::Arc<str>,
    ) -> Result<OneDocument> {
        let inferrer = &mut self.inferrer;
        one_document(
            doc,
            name,
            inferrer.max_depth,
            self.check_first,
            |p, locate| inferrer.fold_document(p, locate),
        )
    }

    /// What was folded so far.
    pub fn inferrer(&self) -> &SchemaInferrer {
        &self.inferrer
    }
}
