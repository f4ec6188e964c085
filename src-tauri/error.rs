//! The one error shape that reaches the web UI: the core's [`ErrorReport`]
//! `{kind, message, field?, details?}`. The UI switches on `kind` and places the message by
//! `field`; it never parses message text.

use serde::Serialize;
use shelf_core::{ErrorKind, ErrorReport};

/// What every command returns on failure. Serialises exactly as [`ErrorReport`].
#[derive(Debug, Clone, PartialEq)]
pub struct CommandError(pub ErrorReport);

impl Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl From<shelf_core::Error> for CommandError {
    fn from(err: shelf_core::Error) -> Self {
        CommandError(err.to_report())
    }
}

impl CommandError {
    /// A failure of the shell itself (a worker thread that panicked, a window that is gone).
    pub fn internal(message: impl Into<String>) -> Self {
        CommandError(ErrorReport {
            kind: ErrorKind::Internal,
            message: message.into(),
            field: None,
            details: None,
        })
    }

    /// A request the shell refuses before the core sees it (a path nobody dropped or picked).
    pub fn refused(message: impl Into<String>) -> Self {
        CommandError(ErrorReport {
            kind: ErrorKind::Refused,
            message: message.into(),
            field: None,
            details: None,
        })
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_validation_error_serialises_as_kind_message_field() {
        let err = CommandError::from(shelf_core::Error::validation(
            "price",
            "The price can't be negative.",
        ));
        assert_eq!(
            serde_json::to_value(err).unwrap(),
            json!({"kind": "validation", "message": "The price can't be negative.", "field": "price"})
        );
    }

    #[test]
    fn a_conflict_carries_the_current_row_in_details() {
        let current = json!({"id": 7, "sku": "MUG-1", "version": 3});
        let err = CommandError::from(shelf_core::Error::Conflict {
            field: None,
            message: "Changed elsewhere.".into(),
            current: Some(Box::new(current.clone())),
        });
        assert_eq!(
            serde_json::to_value(err).unwrap(),
            json!({"kind": "conflict", "message": "Changed elsewhere.", "details": current})
        );
    }

    #[test]
    fn shell_errors_use_the_same_closed_kinds() {
        assert_eq!(
            serde_json::to_value(CommandError::internal("x")).unwrap(),
            json!({"kind": "internal", "message": "x"})
        );
        assert_eq!(
            serde_json::to_value(CommandError::refused("y")).unwrap(),
            json!({"kind": "refused", "message": "y"})
        );
    }
}
