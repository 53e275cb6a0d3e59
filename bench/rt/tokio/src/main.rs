//! The tokio (and rayon) peers of the runtime benchmarks: one binary,
//! `tokio_rt NAME`, which does the benchmark's work once and prints its
//! result line. bench/rt/run builds it, checks the result lines against the
//! other implementations and times the runs; docs/benchmarks.md
//! ("Runtime benchmarks") describes the work of each benchmark.
//!
//! Every async benchmark runs its body as a spawned task, so the tasks it
//! creates are spawned from a worker thread (as they would be from a task of
//! any real program), not from the thread blocked in `block_on`.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;
use tokio::runtime::{Builder, Runtime};
use tokio::sync::{mpsc, Mutex, Semaphore};
use tokio::task::JoinSet;

/// The default multi-thread runtime: one worker per CPU the process may use
/// (2 on the benchmark machine, 1 under `taskset -c 0`).
fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn multi_thread_n(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime")
}

fn current_thread() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `body` as a task of `rt` and returns its result.
fn run<F>(rt: Runtime, body: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(async move { tokio::spawn(body).await.expect("main task") })
}

// ---- spawn_join_100k, spawn_join_1m --------------------------------------
async fn spawn_join(n: u64) -> u64 {
    let mut handles = Vec::with_capacity(n as usize);
    for i in 0..n {
        handles.push(tokio::spawn(async move { i % 10 }));
    }
    let mut sum = 0;
    for h in handles {
        sum += h.await.expect("task");
    }
    sum
}

// ---- pingpong_same, pingpong_cross ---------------------------------------
/// `round_trips` round trips: A sends i to B over one capacity-1 channel, B
/// answers i + 1 over another; A sums the answers. pingpong_same does 1M on
/// a current_thread runtime; pingpong_cross does 100k (a round trip that
/// wakes a sleeping thread costs 25 to 80 us on the benchmark machine) on a
/// 2-worker runtime, which is free to run both sides on one worker (and
/// mostly does: its LIFO slot runs a woken task on the waker's worker).
async fn pingpong(round_trips: u64) -> u64 {
    let (to_b, mut from_a) = mpsc::channel::<u64>(1);
    let (to_a, mut from_b) = mpsc::channel::<u64>(1);
    let b = tokio::spawn(async move {
        while let Some(v) = from_a.recv().await {
            to_a.send(v + 1).await.expect("send to a");
        }
    });
    let a = tokio::spawn(async move {
        let mut sum = 0;
        for i in 0..round_trips {
            to_b.send(i).await.expect("send to b");
            sum += from_b.recv().await.expect("recv from b");
        }
        sum
    });
    let sum = a.await.expect("a");
    b.await.expect("b");
    sum
}

// ---- bounded_1024, bounded_64, bounded_1 (and bounded_1024_1core) --------
const ITEMS: u64 = 10_000_000;

async fn bounded(capacity: usize) -> u64 {
    let (tx, mut rx) = mpsc::channel::<u64>(capacity);
    let producer = tokio::spawn(async move {
        for i in 0..ITEMS {
            tx.send(i).await.expect("send");
        }
    });
    let consumer = tokio::spawn(async move {
        let mut sum = 0u64;
        while let Some(v) = rx.recv().await {
            sum += v;
        }
        sum
    });
    producer.await.expect("producer");
    consumer.await.expect("consumer")
}

// ---- fan_in ----------------------------------------------------------------
const PRODUCERS: u64 = 1000;
const PER_PRODUCER: u64 = 10_000;

async fn fan_in() -> u64 {
    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
    for p in 0..PRODUCERS {
        let tx = tx.clone();
        tokio::spawn(async move {
            for j in 0..PER_PRODUCER {
                tx.send(p * PER_PRODUCER + j).expect("send");
            }
        });
    }
    drop(tx);
    let mut sum = 0u64;
    while let Some(v) = rx.recv().await {
        sum += v;
    }
    sum
}

// ---- mutex_2, mutex_1000 ---------------------------------------------------
const INCREMENTS: u64 = 10_000_000;

async fn mutex(tasks: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let per_task = INCREMENTS / tasks;
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let counter = counter.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    *counter.lock().await += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    let n = *counter.lock().await;
    n
}

// ---- semaphore -------------------------------------------------------------
async fn semaphore() -> u64 {
    let sem = Arc::new(Semaphore::new(4));
    let count = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..1000)
        .map(|_| {
            let (sem, count) = (sem.clone(), count.clone());
            tokio::spawn(async move {
                for _ in 0..1000 {
                    let permit = sem.acquire().await.expect("acquire");
                    count.fetch_add(1, Ordering::Relaxed);
                    drop(permit);
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    count.load(Ordering::Relaxed)
}

// ---- timers ------------------------------------------------------------------
async fn timers() -> u64 {
    let handles: Vec<_> = (0..100_000)
        .map(|_| {
            tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(10)).await;
                1u64
            })
        })
        .collect();
    let mut n = 0;
    for h in handles {
        n += h.await.expect("task");
    }
    n
}

// ---- await_chain ---------------------------------------------------------------
async fn child(i: u64) -> u64 {
    i % 10
}

/// 10M awaits of a trivial `async fn` in one task. rustc builds the child's
/// future inside the caller's and inlines its poll: an await of a future
/// that is ready at once costs (next to) nothing, so this measures the loop.
async fn await_chain() -> u64 {
    let mut sum = 0u64;
    for i in 0..10_000_000u64 {
        sum += child(i).await;
    }
    sum
}

// ---- scope_cancel ----------------------------------------------------------------
/// 100k tasks in a JoinSet each sleep an hour; a 100 ms timeout around the
/// body that spawns and joins them ends it; then the set is shut down
/// (every task aborted, and awaited until it is gone), so the time counts
/// until all the tasks have ended, as a Sifr scope's exit does. Prints the
/// number of tasks when the timeout fired.
async fn scope_cancel() -> u64 {
    const TASKS: u64 = 100_000;
    let mut set = JoinSet::new();
    let body = async {
        for _ in 0..TASKS {
            set.spawn(tokio::time::sleep(Duration::from_secs(3600)));
        }
        while let Some(r) = set.join_next().await {
            r.expect("task");
        }
    };
    let timed_out = tokio::time::timeout(Duration::from_millis(100), body)
        .await
        .is_err();
    set.shutdown().await;
    if timed_out {
        TASKS
    } else {
        0
    }
}

// ---- parallel_map_10m, parallel_map_10k_1us (rayon) -------------------------
fn parallel_map_10m() -> u64 {
    let input: Vec<u64> = (0..10_000_000).collect();
    let output: Vec<u64> = input
        .par_iter()
        .map(|&x| x.wrapping_mul(x).wrapping_add(1))
        .collect();
    output.iter().fold(0u64, |s, &y| s.wrapping_add(y))
}

/// About a microsecond of arithmetic (about 1.0 us on the benchmark machine):
/// 700 rounds of xorshift64 seeded by i.
#[inline(never)]
fn work_1us(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..700 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

fn parallel_map_10k_1us() -> u64 {
    let output: Vec<u64> = (0..10_000u64).into_par_iter().map(work_1us).collect();
    output
        .iter()
        .fold(0u64, |h, &y| h.wrapping_mul(31).wrapping_add(y))
}

// ---- subprocess --------------------------------------------------------------
async fn subprocess() -> u64 {
    let mut ok = 0;
    for _ in 0..1000 {
        let status = tokio::process::Command::new("/bin/true")
            .status()
            .await
            .expect("spawn /bin/true");
        if status.success() {
            ok += 1;
        }
    }
    ok
}

const NAMES: &str = "spawn_join_100k spawn_join_1m pingpong_same pingpong_cross \
bounded_1024 bounded_64 bounded_1 fan_in mutex_2 mutex_1000 semaphore timers \
await_chain scope_cancel parallel_map_10m parallel_map_10k_1us subprocess";

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let result = match name.as_str() {
        "spawn_join_100k" => run(multi_thread(), spawn_join(100_000)),
        "spawn_join_1m" => run(multi_thread(), spawn_join(1_000_000)),
        "pingpong_same" => run(current_thread(), pingpong(1_000_000)),
        "pingpong_cross" => run(multi_thread_n(2), pingpong(100_000)),
        "bounded_1024" => run(multi_thread(), bounded(1024)),
        "bounded_64" => run(multi_thread(), bounded(64)),
        "bounded_1" => run(multi_thread(), bounded(1)),
        "fan_in" => run(multi_thread(), fan_in()),
        "mutex_2" => run(multi_thread(), mutex(2)),
        "mutex_1000" => run(multi_thread(), mutex(1000)),
        "semaphore" => run(multi_thread(), semaphore()),
        "timers" => run(multi_thread(), timers()),
        "await_chain" => run(multi_thread(), await_chain()),
        "scope_cancel" => run(multi_thread(), scope_cancel()),
        "parallel_map_10m" => parallel_map_10m(),
        "parallel_map_10k_1us" => parallel_map_10k_1us(),
        "subprocess" => run(multi_thread(), subprocess()),
        _ => {
            eprintln!("usage: tokio_rt NAME\n  NAME: {NAMES}");
            std::process::exit(2);
        }
    };
    println!("{result}");
}
