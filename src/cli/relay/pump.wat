;; One direction of wrap's data path, as a WASI module run by a worker thread (pump.ts): blocking
;; fd_read of WASI fd 0 (the side bytes come from), a record of the chunk in its ring for the main
;; thread to observe (byte-ring.ts has the layout), then blocking fd_write of the chunk to WASI fd 1.
;; The same loop in JavaScript (readSync/writeSync) cost ~37 µs of CPU per message in two threads
;; and this one ~17: each chunk crosses from the thread into C once per call, with no JS around it.
;; `npm run assemble:pump` turns this text into pump-wasm.ts; a test holds the two equal.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  ;; Shared by both pumps and the main thread (byte-ring.ts lays it out); exported for WASI's calls.
  (import "env" "memory" (memory 1 65536 shared))
  (export "memory" (memory 0))

  ;; The doorbell's words (byte offsets): next sequence number, records published, observer waiting.
  (global $NEXT_SEQ i32 (i32.const 0))
  (global $PUBLISHED i32 (i32.const 4))
  (global $OBSERVER_WAITING i32 (i32.const 8))
  ;; A ring's cursors (byte offsets from its cursors): bytes written, bytes read (int32, wrapping).
  (global $RING_WRITTEN i32 (i32.const 0))
  (global $RING_READ i32 (i32.const 4))
  (global $RECORD_HEADER i32 (i32.const 16))
  (global $CLOCK_MONOTONIC i32 (i32.const 1))
  (global $EAGAIN i32 (i32.const 6))
  (global $EINTR i32 (i32.const 27))

  ;; A non-blocking fd (its open file shared with a process that set O_NONBLOCK) answers EAGAIN:
  ;; sleep on a private word, doubling from 50 µs to 10 ms while nothing comes, rather than spin.
  (global $backoff (mut i64) (i64.const 50000))
  (func $back_off (param $pause i32)
    (drop (memory.atomic.wait32 (local.get $pause) (i32.const 0) (global.get $backoff)))
    (global.set $backoff (select (i64.const 10000000) (i64.mul (global.get $backoff) (i64.const 2))
      (i64.ge_u (global.get $backoff) (i64.const 5000000)))))

  ;; Counts a record published and wakes the main thread only when it waits (a notify takes a lock).
  (func $ring
    (drop (i32.atomic.rmw.add (global.get $PUBLISHED) (i32.const 1)))
    (if (i32.ne (i32.atomic.load (global.get $OBSERVER_WAITING)) (i32.const 0))
      (then (drop (memory.atomic.notify (global.get $PUBLISHED) (i32.const -1))))))

  ;; Relays until end of input or a read error. `cursors`, `data` (a power of two `size` bytes),
  ;; `chunk` (`chunk_size` bytes) and `scratch` (32 bytes: an iovec, a count, a time, a pause word)
  ;; are this pump's own parts of the memory. A reader that went away (EPIPE) gets nothing more;
  ;; the input is still read and observed, so the other side is never blocked by it.
  (func (export "pump") (param $cursors i32) (param $data i32) (param $size i32) (param $chunk i32) (param $chunk_size i32) (param $scratch i32)
    (local $n i32) (local $err i32) (local $mask i32) (local $need i32) (local $written i32) (local $read i32)
    (local $at i32) (local $start i32) (local $first i32) (local $done i32) (local $delivering i32) (local $passed_at f64)
    (local.set $mask (i32.sub (local.get $size) (i32.const 1)))
    (local.set $delivering (i32.const 1))
    (loop $next
      (i32.store (local.get $scratch) (local.get $chunk))
      (i32.store offset=4 (local.get $scratch) (local.get $chunk_size))
      (local.set $err (call $fd_read (i32.const 0) (local.get $scratch) (i32.const 1) (i32.add (local.get $scratch) (i32.const 8))))
      (if (i32.eq (local.get $err) (global.get $EINTR)) (then (br $next)))
      (if (i32.eq (local.get $err) (global.get $EAGAIN))
        (then (call $back_off (i32.add (local.get $scratch) (i32.const 24))) (br $next)))
      (if (local.get $err) (then (return)))
      (local.set $n (i32.load offset=8 (local.get $scratch)))
      (if (i32.eqz (local.get $n)) (then (return)))
      (global.set $backoff (i64.const 50000))
      (drop (call $clock_time_get (global.get $CLOCK_MONOTONIC) (i64.const 1000) (i32.add (local.get $scratch) (i32.const 16))))
      (local.set $passed_at (f64.div (f64.convert_i64_u (i64.load offset=16 (local.get $scratch))) (f64.const 1000000)))
      ;; Into the ring before it is written on: a request is recorded before its answer can exist.
      ;; A full ring waits for the main thread, so memory stays bounded and nothing goes unobserved.
      (local.set $need (i32.add (global.get $RECORD_HEADER) (i32.and (i32.add (local.get $n) (i32.const 15)) (i32.const -16))))
      (local.set $written (i32.load (i32.add (local.get $cursors) (global.get $RING_WRITTEN))))
      (block $room
        (loop $wait
          (local.set $read (i32.atomic.load (i32.add (local.get $cursors) (global.get $RING_READ))))
          (br_if $room (i32.ge_u (i32.sub (local.get $size) (i32.sub (local.get $written) (local.get $read))) (local.get $need)))
          (call $ring)
          (drop (memory.atomic.wait32 (i32.add (local.get $cursors) (global.get $RING_READ)) (local.get $read) (i64.const -1)))
          (br $wait)))
      ;; The record: [seq int32][length int32][passed at, float64 ms of the monotonic clock][bytes].
      (local.set $at (i32.add (local.get $data) (i32.and (local.get $written) (local.get $mask))))
      (i32.store (local.get $at) (i32.atomic.rmw.add (global.get $NEXT_SEQ) (i32.const 1)))
      (i32.store offset=4 (local.get $at) (local.get $n))
      (f64.store offset=8 (local.get $at) (local.get $passed_at))
      (local.set $start (i32.and (i32.add (i32.and (local.get $written) (local.get $mask)) (global.get $RECORD_HEADER)) (local.get $mask)))
      (local.set $first (select (local.get $n) (i32.sub (local.get $size) (local.get $start))
        (i32.le_u (local.get $n) (i32.sub (local.get $size) (local.get $start)))))
      (memory.copy (i32.add (local.get $data) (local.get $start)) (local.get $chunk) (local.get $first))
      (if (i32.lt_u (local.get $first) (local.get $n))
        (then (memory.copy (local.get $data) (i32.add (local.get $chunk) (local.get $first)) (i32.sub (local.get $n) (local.get $first)))))
      (i32.atomic.store (i32.add (local.get $cursors) (global.get $RING_WRITTEN)) (i32.add (local.get $written) (local.get $need)))
      (local.set $done (i32.const 0))
      (block $sent
        (loop $more
          (br_if $sent (i32.or (i32.eqz (local.get $delivering)) (i32.ge_u (local.get $done) (local.get $n))))
          (i32.store (local.get $scratch) (i32.add (local.get $chunk) (local.get $done)))
          (i32.store offset=4 (local.get $scratch) (i32.sub (local.get $n) (local.get $done)))
          (local.set $err (call $fd_write (i32.const 1) (local.get $scratch) (i32.const 1) (i32.add (local.get $scratch) (i32.const 8))))
          (if (i32.eqz (local.get $err))
            (then (local.set $done (i32.add (local.get $done) (i32.load offset=8 (local.get $scratch)))))
            (else (if (i32.eq (local.get $err) (global.get $EAGAIN))
              (then (call $back_off (i32.add (local.get $scratch) (i32.const 24))))
              (else (if (i32.ne (local.get $err) (global.get $EINTR)) (then (local.set $delivering (i32.const 0))))))))
          (br $more)))
      (call $ring)
      (br $next))))
