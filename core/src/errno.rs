//! Kernel error codes the model returns (negative errno values, as the kernel does).

use serde::Serialize;
use std::fmt;

/// An error a modelled kernel function returns. `code()` gives the kernel's negative value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Errno {
    /// -EPERM (1)
    Eperm,
    /// -EAGAIN (11)
    Eagain,
    /// -ENOMEM (12)
    Enomem,
    /// -EFAULT (14)
    Efault,
    /// -EBUSY (16)
    Ebusy,
    /// -ENODEV (19)
    Enodev,
    /// -EINVAL (22)
    Einval,
    /// -EDEADLK (35)
    Edeadlk,
    /// -ERESTARTSYS (512)
    Erestartsys,
    /// -ENOSPC (28): a resource manager has no room (Linux 6.12, mspec 5.4)
    Enospc,
    /// -EMULTIHOP (72): the driver's move needs a bounce (Linux 6.12, mspec 7.6)
    Emultihop,
    /// Not an errno: the kernel would have hit `BUG()`; the model refuses the call and records a finding.
    Bug,
}

impl Errno {
    /// The kernel's (negative) return value. `Bug` has no errno; it is reported as -1000.
    pub fn code(self) -> i64 {
        match self {
            Errno::Eperm => -1,
            Errno::Eagain => -11,
            Errno::Enomem => -12,
            Errno::Efault => -14,
            Errno::Ebusy => -16,
            Errno::Enodev => -19,
            Errno::Einval => -22,
            Errno::Edeadlk => -35,
            Errno::Erestartsys => -512,
            Errno::Enospc => -28,
            Errno::Emultihop => -72,
            Errno::Bug => -1000,
        }
    }

    /// Decode a negative kernel return value.
    pub fn from_code(code: i64) -> Option<Errno> {
        [
            Errno::Eperm,
            Errno::Eagain,
            Errno::Enomem,
            Errno::Efault,
            Errno::Ebusy,
            Errno::Enodev,
            Errno::Einval,
            Errno::Edeadlk,
            Errno::Erestartsys,
            Errno::Enospc,
            Errno::Emultihop,
            Errno::Bug,
        ]
        .into_iter()
        .find(|e| e.code() == code)
    }

    /// The symbolic name (`-ENOMEM`).
    pub fn name(self) -> &'static str {
        match self {
            Errno::Eperm => "-EPERM",
            Errno::Eagain => "-EAGAIN",
            Errno::Enomem => "-ENOMEM",
            Errno::Efault => "-EFAULT",
            Errno::Ebusy => "-EBUSY",
            Errno::Enodev => "-ENODEV",
            Errno::Einval => "-EINVAL",
            Errno::Edeadlk => "-EDEADLK",
            Errno::Erestartsys => "-ERESTARTSYS",
            Errno::Enospc => "-ENOSPC",
            Errno::Emultihop => "-EMULTIHOP",
            Errno::Bug => "BUG",
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::error::Error for Errno {}

/// Result of a modelled kernel function.
pub type KResult<T = ()> = Result<T, Errno>;
