;; NaCl's crypto_secretbox (XSalsa20 + Poly1305) in WebAssembly with 128-bit SIMD: the fast path
;; behind ../secretbox.ts, which holds the same construction in JavaScript (the fallback) and
;; cites the texts both are written from:
;;   - Salsa20: D. J. Bernstein, "Salsa20 specification";
;;   - HSalsa20 and XSalsa20: D. J. Bernstein, "Extending the Salsa20 nonce" §2;
;;   - Poly1305: RFC 8439 §2.5;
;;   - the box: D. J. Bernstein, "Cryptography in NaCl" §9.
;; scripts/build-wasm.mjs assembles this file into secretbox-wasm-bytes.ts; a test assembles it
;; again and compares, so the two never drift apart.
;;
;; The JavaScript side (secretbox-wasm.ts) copies key, nonce and data into this memory, calls one
;; function and copies the result out. Layout of the memory, byte offsets:
;;      0  KEY       32  the secretbox key, or the HSalsa20 key
;;     32  NONCE     24  the nonce, or the 16-byte HSalsa20 input
;;     64  TAG       16  the tag polyFinish computes
;;     96  POLY_KEY  32  Poly1305's one-time key: r then s
;;    128  (kept)    48  the key and nonce prefix the kept subkey was made from
;;    192  (subkey)  32  the kept XSalsa20 subkey
;;    256  (state)   64  the Salsa20 input of the current stream; words 8-9 are the block counter
;;    320  BLOCK     64  one Salsa20 block; HSalsa20's 32-byte output
;;    384  (partial) 16  the last, partial, Poly1305 block, padded
;;    448  (hsalsa)  64  HSalsa20's input words
;;    512  (first)  256  the keystream of a box's first blocks (block 0 opens with the Poly1305 key)
;;   1008  BOX       16  a box's tag, right before its ciphertext, so a box is copied in or out at once
;;   1024  DATA   65536  the message or ciphertext being worked on, then 256 bytes of slack that the
;;                       keystream XOR may run over (it works in 16- and 64-byte steps)
;;
;; Everything is little-endian, as WebAssembly memory is, so words load and store directly.
(module
  (memory (export "memory") 2)

  (global (export "KEY") i32 (i32.const 0))
  (global (export "NONCE") i32 (i32.const 32))
  (global (export "TAG") i32 (i32.const 64))
  (global (export "POLY_KEY") i32 (i32.const 96))
  (global (export "BLOCK") i32 (i32.const 320))
  (global (export "BOX") i32 (i32.const 1008))
  (global (export "DATA") i32 (i32.const 1024))
  (global (export "DATA_SIZE") i32 (i32.const 65536))

  ;; Whether the kept subkey (192) belongs to the key and nonce prefix kept at 128.
  (global $subkeyValid (mut i32) (i32.const 0))
  ;; The unused part of the first keystream (512 + $firstUsed up to 512 + $firstEnd).
  (global $firstUsed (mut i32) (i32.const 0))
  (global $firstEnd (mut i32) (i32.const 0))
  ;; Poly1305's clamped r and accumulator h, five 26-bit limbs each (see $polyBlocks).
  (global $r0 (mut i64) (i64.const 0))
  (global $r1 (mut i64) (i64.const 0))
  (global $r2 (mut i64) (i64.const 0))
  (global $r3 (mut i64) (i64.const 0))
  (global $r4 (mut i64) (i64.const 0))
  (global $h0 (mut i64) (i64.const 0))
  (global $h1 (mut i64) (i64.const 0))
  (global $h2 (mut i64) (i64.const 0))
  (global $h3 (mut i64) (i64.const 0))
  (global $h4 (mut i64) (i64.const 0))

  ;; The Salsa20 core (Salsa20 specification, "The Salsa20 hash function"): ten doublerounds
  ;; (columnround then rowround) over the 16 words at $in; with $feedForward the input is added
  ;; back word by word (a Salsa20 block), without it the words are taken as they are (HSalsa20).
  ;; The 16 words go to $out. Each step of a quarterround is y ^= (a + b) <<< n.
  (func $core (param $in i32) (param $out i32) (param $feedForward i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32)
    (local $x8 i32) (local $x9 i32) (local $x10 i32) (local $x11 i32)
    (local $x12 i32) (local $x13 i32) (local $x14 i32) (local $x15 i32)
    (local $round i32)
    (local.set $x0 (i32.load offset=0 (local.get $in)))
    (local.set $x1 (i32.load offset=4 (local.get $in)))
    (local.set $x2 (i32.load offset=8 (local.get $in)))
    (local.set $x3 (i32.load offset=12 (local.get $in)))
    (local.set $x4 (i32.load offset=16 (local.get $in)))
    (local.set $x5 (i32.load offset=20 (local.get $in)))
    (local.set $x6 (i32.load offset=24 (local.get $in)))
    (local.set $x7 (i32.load offset=28 (local.get $in)))
    (local.set $x8 (i32.load offset=32 (local.get $in)))
    (local.set $x9 (i32.load offset=36 (local.get $in)))
    (local.set $x10 (i32.load offset=40 (local.get $in)))
    (local.set $x11 (i32.load offset=44 (local.get $in)))
    (local.set $x12 (i32.load offset=48 (local.get $in)))
    (local.set $x13 (i32.load offset=52 (local.get $in)))
    (local.set $x14 (i32.load offset=56 (local.get $in)))
    (local.set $x15 (i32.load offset=60 (local.get $in)))
    (local.set $round (i32.const 10))
    (loop $doubleround
      ;; columnround: quarterround(y0, y4, y8, y12), quarterround(y5, y9, y13, y1),
      ;;   quarterround(y10, y14, y2, y6), quarterround(y15, y3, y7, y11).
      (local.set $x4 (i32.xor (local.get $x4)
        (i32.rotl (i32.add (local.get $x0) (local.get $x12)) (i32.const 7))))
      (local.set $x8 (i32.xor (local.get $x8)
        (i32.rotl (i32.add (local.get $x4) (local.get $x0)) (i32.const 9))))
      (local.set $x12 (i32.xor (local.get $x12)
        (i32.rotl (i32.add (local.get $x8) (local.get $x4)) (i32.const 13))))
      (local.set $x0 (i32.xor (local.get $x0)
        (i32.rotl (i32.add (local.get $x12) (local.get $x8)) (i32.const 18))))
      (local.set $x9 (i32.xor (local.get $x9)
        (i32.rotl (i32.add (local.get $x5) (local.get $x1)) (i32.const 7))))
      (local.set $x13 (i32.xor (local.get $x13)
        (i32.rotl (i32.add (local.get $x9) (local.get $x5)) (i32.const 9))))
      (local.set $x1 (i32.xor (local.get $x1)
        (i32.rotl (i32.add (local.get $x13) (local.get $x9)) (i32.const 13))))
      (local.set $x5 (i32.xor (local.get $x5)
        (i32.rotl (i32.add (local.get $x1) (local.get $x13)) (i32.const 18))))
      (local.set $x14 (i32.xor (local.get $x14)
        (i32.rotl (i32.add (local.get $x10) (local.get $x6)) (i32.const 7))))
      (local.set $x2 (i32.xor (local.get $x2)
        (i32.rotl (i32.add (local.get $x14) (local.get $x10)) (i32.const 9))))
      (local.set $x6 (i32.xor (local.get $x6)
        (i32.rotl (i32.add (local.get $x2) (local.get $x14)) (i32.const 13))))
      (local.set $x10 (i32.xor (local.get $x10)
        (i32.rotl (i32.add (local.get $x6) (local.get $x2)) (i32.const 18))))
      (local.set $x3 (i32.xor (local.get $x3)
        (i32.rotl (i32.add (local.get $x15) (local.get $x11)) (i32.const 7))))
      (local.set $x7 (i32.xor (local.get $x7)
        (i32.rotl (i32.add (local.get $x3) (local.get $x15)) (i32.const 9))))
      (local.set $x11 (i32.xor (local.get $x11)
        (i32.rotl (i32.add (local.get $x7) (local.get $x3)) (i32.const 13))))
      (local.set $x15 (i32.xor (local.get $x15)
        (i32.rotl (i32.add (local.get $x11) (local.get $x7)) (i32.const 18))))
      ;; rowround: quarterround(y0, y1, y2, y3), quarterround(y5, y6, y7, y4),
      ;;   quarterround(y10, y11, y8, y9), quarterround(y15, y12, y13, y14).
      (local.set $x1 (i32.xor (local.get $x1)
        (i32.rotl (i32.add (local.get $x0) (local.get $x3)) (i32.const 7))))
      (local.set $x2 (i32.xor (local.get $x2)
        (i32.rotl (i32.add (local.get $x1) (local.get $x0)) (i32.const 9))))
      (local.set $x3 (i32.xor (local.get $x3)
        (i32.rotl (i32.add (local.get $x2) (local.get $x1)) (i32.const 13))))
      (local.set $x0 (i32.xor (local.get $x0)
        (i32.rotl (i32.add (local.get $x3) (local.get $x2)) (i32.const 18))))
      (local.set $x6 (i32.xor (local.get $x6)
        (i32.rotl (i32.add (local.get $x5) (local.get $x4)) (i32.const 7))))
      (local.set $x7 (i32.xor (local.get $x7)
        (i32.rotl (i32.add (local.get $x6) (local.get $x5)) (i32.const 9))))
      (local.set $x4 (i32.xor (local.get $x4)
        (i32.rotl (i32.add (local.get $x7) (local.get $x6)) (i32.const 13))))
      (local.set $x5 (i32.xor (local.get $x5)
        (i32.rotl (i32.add (local.get $x4) (local.get $x7)) (i32.const 18))))
      (local.set $x11 (i32.xor (local.get $x11)
        (i32.rotl (i32.add (local.get $x10) (local.get $x9)) (i32.const 7))))
      (local.set $x8 (i32.xor (local.get $x8)
        (i32.rotl (i32.add (local.get $x11) (local.get $x10)) (i32.const 9))))
      (local.set $x9 (i32.xor (local.get $x9)
        (i32.rotl (i32.add (local.get $x8) (local.get $x11)) (i32.const 13))))
      (local.set $x10 (i32.xor (local.get $x10)
        (i32.rotl (i32.add (local.get $x9) (local.get $x8)) (i32.const 18))))
      (local.set $x12 (i32.xor (local.get $x12)
        (i32.rotl (i32.add (local.get $x15) (local.get $x14)) (i32.const 7))))
      (local.set $x13 (i32.xor (local.get $x13)
        (i32.rotl (i32.add (local.get $x12) (local.get $x15)) (i32.const 9))))
      (local.set $x14 (i32.xor (local.get $x14)
        (i32.rotl (i32.add (local.get $x13) (local.get $x12)) (i32.const 13))))
      (local.set $x15 (i32.xor (local.get $x15)
        (i32.rotl (i32.add (local.get $x14) (local.get $x13)) (i32.const 18))))
      (br_if $doubleround (local.tee $round (i32.sub (local.get $round) (i32.const 1)))))
    (if (local.get $feedForward)
      (then
        (local.set $x0 (i32.add (local.get $x0) (i32.load offset=0 (local.get $in))))
        (local.set $x1 (i32.add (local.get $x1) (i32.load offset=4 (local.get $in))))
        (local.set $x2 (i32.add (local.get $x2) (i32.load offset=8 (local.get $in))))
        (local.set $x3 (i32.add (local.get $x3) (i32.load offset=12 (local.get $in))))
        (local.set $x4 (i32.add (local.get $x4) (i32.load offset=16 (local.get $in))))
        (local.set $x5 (i32.add (local.get $x5) (i32.load offset=20 (local.get $in))))
        (local.set $x6 (i32.add (local.get $x6) (i32.load offset=24 (local.get $in))))
        (local.set $x7 (i32.add (local.get $x7) (i32.load offset=28 (local.get $in))))
        (local.set $x8 (i32.add (local.get $x8) (i32.load offset=32 (local.get $in))))
        (local.set $x9 (i32.add (local.get $x9) (i32.load offset=36 (local.get $in))))
        (local.set $x10 (i32.add (local.get $x10) (i32.load offset=40 (local.get $in))))
        (local.set $x11 (i32.add (local.get $x11) (i32.load offset=44 (local.get $in))))
        (local.set $x12 (i32.add (local.get $x12) (i32.load offset=48 (local.get $in))))
        (local.set $x13 (i32.add (local.get $x13) (i32.load offset=52 (local.get $in))))
        (local.set $x14 (i32.add (local.get $x14) (i32.load offset=56 (local.get $in))))
        (local.set $x15 (i32.add (local.get $x15) (i32.load offset=60 (local.get $in))))))
    (i32.store offset=0 (local.get $out) (local.get $x0))
    (i32.store offset=4 (local.get $out) (local.get $x1))
    (i32.store offset=8 (local.get $out) (local.get $x2))
    (i32.store offset=12 (local.get $out) (local.get $x3))
    (i32.store offset=16 (local.get $out) (local.get $x4))
    (i32.store offset=20 (local.get $out) (local.get $x5))
    (i32.store offset=24 (local.get $out) (local.get $x6))
    (i32.store offset=28 (local.get $out) (local.get $x7))
    (i32.store offset=32 (local.get $out) (local.get $x8))
    (i32.store offset=36 (local.get $out) (local.get $x9))
    (i32.store offset=40 (local.get $out) (local.get $x10))
    (i32.store offset=44 (local.get $out) (local.get $x11))
    (i32.store offset=48 (local.get $out) (local.get $x12))
    (i32.store offset=52 (local.get $out) (local.get $x13))
    (i32.store offset=56 (local.get $out) (local.get $x14))
    (i32.store offset=60 (local.get $out) (local.get $x15)))

  ;; Four Salsa20 blocks at once, block k in lane k of every vector: the stream input (256) with
  ;; block counters c, c + 1, c + 2, c + 3 (64-bit, words 8 and 9); the counter moves on by 4.
  ;; The 256 keystream bytes are XORed into $ptr[0, 256) (block k at 64 k).
  (func $xor4 (param $ptr i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $x4 v128) (local $x5 v128) (local $x6 v128) (local $x7 v128)
    (local $x8 v128) (local $x9 v128) (local $x10 v128) (local $x11 v128)
    (local $x12 v128) (local $x13 v128) (local $x14 v128) (local $x15 v128)
    (local $t v128) (local $low v128) (local $high v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $counter i64) (local $round i32)
    (local.set $counter (i64.load offset=288 (i32.const 0)))
    (i64.store offset=288 (i32.const 0) (i64.add (local.get $counter) (i64.const 4)))
    ;; Counter lanes: low words c + k; the high word takes the carry where a low word wrapped
    ;; (lt_u is all ones, -1, there).
    (local.set $low (i32x4.add (i32x4.splat (i32.wrap_i64 (local.get $counter)))
      (v128.const i32x4 0 1 2 3)))
    (local.set $high (i32x4.sub
      (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $counter) (i64.const 32))))
      (i32x4.lt_u (local.get $low) (i32x4.splat (i32.wrap_i64 (local.get $counter))))))
    (local.set $x0 (i32x4.splat (i32.load offset=256 (i32.const 0))))
    (local.set $x1 (i32x4.splat (i32.load offset=260 (i32.const 0))))
    (local.set $x2 (i32x4.splat (i32.load offset=264 (i32.const 0))))
    (local.set $x3 (i32x4.splat (i32.load offset=268 (i32.const 0))))
    (local.set $x4 (i32x4.splat (i32.load offset=272 (i32.const 0))))
    (local.set $x5 (i32x4.splat (i32.load offset=276 (i32.const 0))))
    (local.set $x6 (i32x4.splat (i32.load offset=280 (i32.const 0))))
    (local.set $x7 (i32x4.splat (i32.load offset=284 (i32.const 0))))
    (local.set $x8 (local.get $low))
    (local.set $x9 (local.get $high))
    (local.set $x10 (i32x4.splat (i32.load offset=296 (i32.const 0))))
    (local.set $x11 (i32x4.splat (i32.load offset=300 (i32.const 0))))
    (local.set $x12 (i32x4.splat (i32.load offset=304 (i32.const 0))))
    (local.set $x13 (i32x4.splat (i32.load offset=308 (i32.const 0))))
    (local.set $x14 (i32x4.splat (i32.load offset=312 (i32.const 0))))
    (local.set $x15 (i32x4.splat (i32.load offset=316 (i32.const 0))))
    (local.set $round (i32.const 10))
    (loop $doubleround
      ;; columnround: quarterround(y0, y4, y8, y12), quarterround(y5, y9, y13, y1),
      ;;   quarterround(y10, y14, y2, y6), quarterround(y15, y3, y7, y11).
      (local.set $t (i32x4.add (local.get $x0) (local.get $x12)))
      (local.set $x4 (v128.xor (local.get $x4) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x4) (local.get $x0)))
      (local.set $x8 (v128.xor (local.get $x8) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x8) (local.get $x4)))
      (local.set $x12 (v128.xor (local.get $x12) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x12) (local.get $x8)))
      (local.set $x0 (v128.xor (local.get $x0) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      (local.set $t (i32x4.add (local.get $x5) (local.get $x1)))
      (local.set $x9 (v128.xor (local.get $x9) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x9) (local.get $x5)))
      (local.set $x13 (v128.xor (local.get $x13) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x13) (local.get $x9)))
      (local.set $x1 (v128.xor (local.get $x1) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x1) (local.get $x13)))
      (local.set $x5 (v128.xor (local.get $x5) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      (local.set $t (i32x4.add (local.get $x10) (local.get $x6)))
      (local.set $x14 (v128.xor (local.get $x14) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x14) (local.get $x10)))
      (local.set $x2 (v128.xor (local.get $x2) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x2) (local.get $x14)))
      (local.set $x6 (v128.xor (local.get $x6) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x6) (local.get $x2)))
      (local.set $x10 (v128.xor (local.get $x10) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      (local.set $t (i32x4.add (local.get $x15) (local.get $x11)))
      (local.set $x3 (v128.xor (local.get $x3) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x3) (local.get $x15)))
      (local.set $x7 (v128.xor (local.get $x7) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x7) (local.get $x3)))
      (local.set $x11 (v128.xor (local.get $x11) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x11) (local.get $x7)))
      (local.set $x15 (v128.xor (local.get $x15) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      ;; rowround: quarterround(y0, y1, y2, y3), quarterround(y5, y6, y7, y4),
      ;;   quarterround(y10, y11, y8, y9), quarterround(y15, y12, y13, y14).
      (local.set $t (i32x4.add (local.get $x0) (local.get $x3)))
      (local.set $x1 (v128.xor (local.get $x1) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x1) (local.get $x0)))
      (local.set $x2 (v128.xor (local.get $x2) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x2) (local.get $x1)))
      (local.set $x3 (v128.xor (local.get $x3) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x3) (local.get $x2)))
      (local.set $x0 (v128.xor (local.get $x0) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      (local.set $t (i32x4.add (local.get $x5) (local.get $x4)))
      (local.set $x6 (v128.xor (local.get $x6) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x6) (local.get $x5)))
      (local.set $x7 (v128.xor (local.get $x7) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x7) (local.get $x6)))
      (local.set $x4 (v128.xor (local.get $x4) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x4) (local.get $x7)))
      (local.set $x5 (v128.xor (local.get $x5) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      (local.set $t (i32x4.add (local.get $x10) (local.get $x9)))
      (local.set $x11 (v128.xor (local.get $x11) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x11) (local.get $x10)))
      (local.set $x8 (v128.xor (local.get $x8) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x8) (local.get $x11)))
      (local.set $x9 (v128.xor (local.get $x9) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x9) (local.get $x8)))
      (local.set $x10 (v128.xor (local.get $x10) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      (local.set $t (i32x4.add (local.get $x15) (local.get $x14)))
      (local.set $x12 (v128.xor (local.get $x12) (v128.or
        (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
      (local.set $t (i32x4.add (local.get $x12) (local.get $x15)))
      (local.set $x13 (v128.xor (local.get $x13) (v128.or
        (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
      (local.set $t (i32x4.add (local.get $x13) (local.get $x12)))
      (local.set $x14 (v128.xor (local.get $x14) (v128.or
        (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
      (local.set $t (i32x4.add (local.get $x14) (local.get $x13)))
      (local.set $x15 (v128.xor (local.get $x15) (v128.or
        (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
      (br_if $doubleround (local.tee $round (i32.sub (local.get $round) (i32.const 1)))))
    (local.set $x0 (i32x4.add (local.get $x0) (i32x4.splat (i32.load offset=256 (i32.const 0)))))
    (local.set $x1 (i32x4.add (local.get $x1) (i32x4.splat (i32.load offset=260 (i32.const 0)))))
    (local.set $x2 (i32x4.add (local.get $x2) (i32x4.splat (i32.load offset=264 (i32.const 0)))))
    (local.set $x3 (i32x4.add (local.get $x3) (i32x4.splat (i32.load offset=268 (i32.const 0)))))
    (local.set $x4 (i32x4.add (local.get $x4) (i32x4.splat (i32.load offset=272 (i32.const 0)))))
    (local.set $x5 (i32x4.add (local.get $x5) (i32x4.splat (i32.load offset=276 (i32.const 0)))))
    (local.set $x6 (i32x4.add (local.get $x6) (i32x4.splat (i32.load offset=280 (i32.const 0)))))
    (local.set $x7 (i32x4.add (local.get $x7) (i32x4.splat (i32.load offset=284 (i32.const 0)))))
    (local.set $x8 (i32x4.add (local.get $x8) (local.get $low)))
    (local.set $x9 (i32x4.add (local.get $x9) (local.get $high)))
    (local.set $x10 (i32x4.add (local.get $x10) (i32x4.splat (i32.load offset=296 (i32.const 0)))))
    (local.set $x11 (i32x4.add (local.get $x11) (i32x4.splat (i32.load offset=300 (i32.const 0)))))
    (local.set $x12 (i32x4.add (local.get $x12) (i32x4.splat (i32.load offset=304 (i32.const 0)))))
    (local.set $x13 (i32x4.add (local.get $x13) (i32x4.splat (i32.load offset=308 (i32.const 0)))))
    (local.set $x14 (i32x4.add (local.get $x14) (i32x4.splat (i32.load offset=312 (i32.const 0)))))
    (local.set $x15 (i32x4.add (local.get $x15) (i32x4.splat (i32.load offset=316 (i32.const 0)))))
    ;; Transpose each group of four words (lanes = blocks) to four blocks' words, and XOR:
    ;; (a0 b0 a1 b1), (c0 d0 c1 d1), (a2 b2 a3 b3), (c2 d2 c3 d3) -> block k = (ak bk ck dk).
    ;; words 0-3
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
    (local.set $y1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
    (local.set $y2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
    (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
    (v128.store offset=0 (local.get $ptr) (v128.xor (v128.load offset=0 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y1))))
    (v128.store offset=64 (local.get $ptr) (v128.xor (v128.load offset=64 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y1))))
    (v128.store offset=128 (local.get $ptr) (v128.xor (v128.load offset=128 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y2) (local.get $y3))))
    (v128.store offset=192 (local.get $ptr) (v128.xor (v128.load offset=192 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y2) (local.get $y3))))
    ;; words 4-7
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x4) (local.get $x5)))
    (local.set $y1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x6) (local.get $x7)))
    (local.set $y2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x4) (local.get $x5)))
    (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x6) (local.get $x7)))
    (v128.store offset=16 (local.get $ptr) (v128.xor (v128.load offset=16 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y1))))
    (v128.store offset=80 (local.get $ptr) (v128.xor (v128.load offset=80 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y1))))
    (v128.store offset=144 (local.get $ptr) (v128.xor (v128.load offset=144 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y2) (local.get $y3))))
    (v128.store offset=208 (local.get $ptr) (v128.xor (v128.load offset=208 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y2) (local.get $y3))))
    ;; words 8-11
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x8) (local.get $x9)))
    (local.set $y1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x10) (local.get $x11)))
    (local.set $y2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x8) (local.get $x9)))
    (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x10) (local.get $x11)))
    (v128.store offset=32 (local.get $ptr) (v128.xor (v128.load offset=32 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y1))))
    (v128.store offset=96 (local.get $ptr) (v128.xor (v128.load offset=96 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y1))))
    (v128.store offset=160 (local.get $ptr) (v128.xor (v128.load offset=160 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y2) (local.get $y3))))
    (v128.store offset=224 (local.get $ptr) (v128.xor (v128.load offset=224 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y2) (local.get $y3))))
    ;; words 12-15
    (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x12) (local.get $x13)))
    (local.set $y1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x14) (local.get $x15)))
    (local.set $y2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x12) (local.get $x13)))
    (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x14) (local.get $x15)))
    (v128.store offset=48 (local.get $ptr) (v128.xor (v128.load offset=48 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y1))))
    (v128.store offset=112 (local.get $ptr) (v128.xor (v128.load offset=112 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y1))))
    (v128.store offset=176 (local.get $ptr) (v128.xor (v128.load offset=176 (local.get $ptr))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y2) (local.get $y3))))
    (v128.store offset=240 (local.get $ptr) (v128.xor (v128.load offset=240 (local.get $ptr))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y2) (local.get $y3))))
  )

  ;; One Salsa20 block of the stream into BLOCK, XORed into $ptr[0, 64); the counter moves on.
  (func $xor1 (param $ptr i32)
    (call $core (i32.const 256) (i32.const 320) (i32.const 1))
    (i64.store offset=288 (i32.const 0) (i64.add (i64.load offset=288 (i32.const 0)) (i64.const 1)))
    (v128.store offset=0 (local.get $ptr)
      (v128.xor (v128.load offset=0 (local.get $ptr)) (v128.load offset=320 (i32.const 0))))
    (v128.store offset=16 (local.get $ptr)
      (v128.xor (v128.load offset=16 (local.get $ptr)) (v128.load offset=336 (i32.const 0))))
    (v128.store offset=32 (local.get $ptr)
      (v128.xor (v128.load offset=32 (local.get $ptr)) (v128.load offset=352 (i32.const 0))))
    (v128.store offset=48 (local.get $ptr)
      (v128.xor (v128.load offset=48 (local.get $ptr)) (v128.load offset=368 (i32.const 0)))))

  ;; HSalsa20 ("Extending the Salsa20 nonce" §2): the core without the feed-forward over the key
  ;; at $key (words 1-4, 11-14) and the 16 bytes at $input (words 6-9), the constants on the
  ;; diagonal; the output is words 0, 5, 10, 15, 6, 7, 8, 9, 32 bytes to $output.
  (func $hsalsa (param $key i32) (param $input i32) (param $output i32)
    ;; "expand 32-byte k" as four little-endian words (Salsa20 specification, the expansion).
    (i32.store offset=448 (i32.const 0) (i32.const 0x61707865))
    (i32.store offset=468 (i32.const 0) (i32.const 0x3320646e))
    (i32.store offset=488 (i32.const 0) (i32.const 0x79622d32))
    (i32.store offset=508 (i32.const 0) (i32.const 0x6b206574))
    (v128.store offset=452 (i32.const 0) (v128.load offset=0 (local.get $key)))
    (v128.store offset=492 (i32.const 0) (v128.load offset=16 (local.get $key)))
    (v128.store offset=472 (i32.const 0) (v128.load offset=0 (local.get $input)))
    (call $core (i32.const 448) (i32.const 320) (i32.const 0))
    (i32.store offset=0 (local.get $output) (i32.load offset=320 (i32.const 0)))
    (i32.store offset=4 (local.get $output) (i32.load offset=340 (i32.const 0)))
    (i32.store offset=8 (local.get $output) (i32.load offset=360 (i32.const 0)))
    (i32.store offset=12 (local.get $output) (i32.load offset=380 (i32.const 0)))
    (v128.store offset=16 (local.get $output) (v128.load offset=344 (i32.const 0))))

  ;; HSalsa20 of KEY and NONCE[0, 16) into BLOCK[0, 32) (crypto_core_hsalsa20; with a zero input
  ;; and an X25519 product as key, crypto_box_beforenm's second step).
  (func (export "hsalsa20")
    (call $hsalsa (i32.const 0) (i32.const 32) (i32.const 320)))

  ;; Starts the XSalsa20 stream of a box of $length message bytes under KEY and NONCE
  ;; ("Cryptography in NaCl" §9): subkey = HSalsa20(key, nonce[0, 16)), then Salsa20 under the
  ;; subkey with nonce[16, 24) from block counter 0. The first 32 keystream bytes are the Poly1305
  ;; key, the message is XORed with the keystream from byte 32 on.
  ;;
  ;; The subkey depends only on the key and the nonce's first 16 bytes, and CurveZMQ's MESSAGE
  ;; nonces share those per direction ("CurveZMQMESSAGEC" / "...S"), so the last one is kept and
  ;; reused while key and prefix are the same bytes (compared in full, so a key changed in place
  ;; still gets its own subkey).
  ;;
  ;; Block 0 alone when the message fits in its last 32 bytes, otherwise blocks 0-3 at once; what
  ;; the message does not use of them waits at 512 for $streamXor.
  (func $begin (export "begin") (param $length i32)
    (if (i32.eqz (i32.and (global.get $subkeyValid)
          (i32.eqz (v128.any_true (v128.or
            (v128.or
              (v128.xor (v128.load offset=0 (i32.const 0)) (v128.load offset=128 (i32.const 0)))
              (v128.xor (v128.load offset=16 (i32.const 0)) (v128.load offset=144 (i32.const 0))))
            (v128.xor (v128.load offset=32 (i32.const 0)) (v128.load offset=160 (i32.const 0))))))))
      (then
        (call $hsalsa (i32.const 0) (i32.const 32) (i32.const 192))
        (v128.store offset=128 (i32.const 0) (v128.load offset=0 (i32.const 0)))
        (v128.store offset=144 (i32.const 0) (v128.load offset=16 (i32.const 0)))
        (v128.store offset=160 (i32.const 0) (v128.load offset=32 (i32.const 0)))
        (global.set $subkeyValid (i32.const 1))))
    ;; The stream's Salsa20 input: constants, subkey in words 1-4 and 11-14, nonce[16, 24) in
    ;; words 6-7, block counter 0 in words 8-9.
    (i32.store offset=256 (i32.const 0) (i32.const 0x61707865))
    (i32.store offset=276 (i32.const 0) (i32.const 0x3320646e))
    (i32.store offset=296 (i32.const 0) (i32.const 0x79622d32))
    (i32.store offset=316 (i32.const 0) (i32.const 0x6b206574))
    (v128.store offset=260 (i32.const 0) (v128.load offset=192 (i32.const 0)))
    (v128.store offset=300 (i32.const 0) (v128.load offset=208 (i32.const 0)))
    (i64.store offset=280 (i32.const 0) (i64.load offset=48 (i32.const 0)))
    (i64.store offset=288 (i32.const 0) (i64.const 0))
    (if (i32.le_u (local.get $length) (i32.const 32))
      (then
        (call $core (i32.const 256) (i32.const 512) (i32.const 1))
        (i64.store offset=288 (i32.const 0) (i64.const 1))
        (global.set $firstEnd (i32.const 64)))
      (else
        (v128.store offset=512 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=528 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=544 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=560 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=576 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=592 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=608 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=624 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=640 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=656 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=672 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=688 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=704 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=720 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=736 (i32.const 0) (v128.const i64x2 0 0))
        (v128.store offset=752 (i32.const 0) (v128.const i64x2 0 0))
        (call $xor4 (i32.const 512))
        (global.set $firstEnd (i32.const 256))))
    (global.set $firstUsed (i32.const 32))
    (v128.store offset=96 (i32.const 0) (v128.load offset=512 (i32.const 0)))
    (v128.store offset=112 (i32.const 0) (v128.load offset=528 (i32.const 0)))
    (call $polyInit))

  ;; XORs $length bytes at $ptr with the stream's next keystream bytes. A call that is not a box's
  ;; last must end on a block boundary (the first call covers 32 + 64 k bytes... see
  ;; secretbox-wasm.ts). Stores may run up to 255 bytes past the end, into DATA's slack.
  (func $streamXor (export "streamXor") (param $ptr i32) (param $length i32)
    (local $count i32) (local $index i32)
    ;; First what is left of the first blocks, 16 bytes at a time.
    (local.set $count (i32.sub (global.get $firstEnd) (global.get $firstUsed)))
    (if (i32.gt_s (local.get $count) (local.get $length))
      (then (local.set $count (local.get $length))))
    (if (i32.gt_s (local.get $count) (i32.const 0))
      (then
        (local.set $index (i32.const 0))
        (loop $words
          (v128.store (i32.add (local.get $ptr) (local.get $index))
            (v128.xor (v128.load (i32.add (local.get $ptr) (local.get $index)))
              (v128.load offset=512 (i32.add (global.get $firstUsed) (local.get $index)))))
          (br_if $words (i32.lt_s
            (local.tee $index (i32.add (local.get $index) (i32.const 16))) (local.get $count))))
        (global.set $firstUsed (i32.add (global.get $firstUsed) (local.get $count)))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $count)))
        (local.set $length (i32.sub (local.get $length) (local.get $count)))))
    ;; Then whole blocks from the counter on: four at a time while more than one is needed.
    (block $done
      (loop $blocks
        (br_if $done (i32.le_s (local.get $length) (i32.const 0)))
        (if (i32.gt_s (local.get $length) (i32.const 64))
          (then
            (call $xor4 (local.get $ptr))
            (local.set $ptr (i32.add (local.get $ptr) (i32.const 256)))
            (local.set $length (i32.sub (local.get $length) (i32.const 256))))
          (else
            (call $xor1 (local.get $ptr))
            (local.set $ptr (i32.add (local.get $ptr) (i32.const 64)))
            (local.set $length (i32.sub (local.get $length) (i32.const 64)))))
        (br $blocks))))

  ;; Poly1305 with the key at POLY_KEY (RFC 8439 §2.5.1): r clamped
  ;; (r &= 0x0ffffffc0ffffffc0ffffffc0fffffff) and cut into five 26-bit limbs; h = 0.
  (func $polyInit (export "polyInit")
    (local $t0 i64) (local $t1 i64)
    (local.set $t0 (i64.and (i64.load offset=96 (i32.const 0)) (i64.const 0x0ffffffc0fffffff)))
    (local.set $t1 (i64.and (i64.load offset=104 (i32.const 0)) (i64.const 0x0ffffffc0ffffffc)))
    (global.set $r0 (i64.and (local.get $t0) (i64.const 0x3ffffff)))
    (global.set $r1 (i64.and (i64.shr_u (local.get $t0) (i64.const 26)) (i64.const 0x3ffffff)))
    (global.set $r2 (i64.and
      (i64.or (i64.shr_u (local.get $t0) (i64.const 52)) (i64.shl (local.get $t1) (i64.const 12)))
      (i64.const 0x3ffffff)))
    (global.set $r3 (i64.and (i64.shr_u (local.get $t1) (i64.const 14)) (i64.const 0x3ffffff)))
    (global.set $r4 (i64.shr_u (local.get $t1) (i64.const 40)))
    (global.set $h0 (i64.const 0))
    (global.set $h1 (i64.const 0))
    (global.set $h2 (i64.const 0))
    (global.set $h3 (i64.const 0))
    (global.set $h4 (i64.const 0)))

  ;; h = (h + block) * r mod 2^130 - 5 for each 16-byte block in [$ptr, $end) (RFC 8439 §2.5.1);
  ;; $padBit is 2^24 (the 2^128 bit of a full block, in limb 4) or 0 (a padded last block).
  ;;
  ;; Limb i stands for 2^(26 i). A product landing at limb i + 5 folds back to limb i times 5, as
  ;; 2^130 = 5 (mod 2^130 - 5); so s_i = 5 r_i. Bounds, all in unsigned 64-bit integers: r_i < 2^26
  ;; (r4 < 2^20), s_i < 2^29; between blocks h_i < 2^26 + 2^11 (below), so after adding a block
  ;; h_i < 2^27 + 2^11; each column d_k is five products below 2^27.01 * 2^29 and stays below
  ;; 2^59. The carry chain leaves every limb below 2^26, except limb 0, which gets 5 times
  ;; d_4 / 2^26 < 5 * 2^33 and then carries once into limb 1 (under 2^11 more).
  (func $polyBlocks (param $ptr i32) (param $end i32) (param $padBit i64)
    (local $r0 i64) (local $r1 i64) (local $r2 i64) (local $r3 i64) (local $r4 i64)
    (local $s1 i64) (local $s2 i64) (local $s3 i64) (local $s4 i64)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64)
    (local $m0 i64) (local $m1 i64)
    (local.set $r0 (global.get $r0))
    (local.set $r1 (global.get $r1))
    (local.set $r2 (global.get $r2))
    (local.set $r3 (global.get $r3))
    (local.set $r4 (global.get $r4))
    (local.set $s1 (i64.mul (local.get $r1) (i64.const 5)))
    (local.set $s2 (i64.mul (local.get $r2) (i64.const 5)))
    (local.set $s3 (i64.mul (local.get $r3) (i64.const 5)))
    (local.set $s4 (i64.mul (local.get $r4) (i64.const 5)))
    (local.set $h0 (global.get $h0))
    (local.set $h1 (global.get $h1))
    (local.set $h2 (global.get $h2))
    (local.set $h3 (global.get $h3))
    (local.set $h4 (global.get $h4))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        ;; h += the block, as five 26-bit limbs, plus the pad bit.
        (local.set $m0 (i64.load offset=0 (local.get $ptr)))
        (local.set $m1 (i64.load offset=8 (local.get $ptr)))
        (local.set $h0 (i64.add (local.get $h0) (i64.and (local.get $m0) (i64.const 0x3ffffff))))
        (local.set $h1 (i64.add (local.get $h1)
          (i64.and (i64.shr_u (local.get $m0) (i64.const 26)) (i64.const 0x3ffffff))))
        (local.set $h2 (i64.add (local.get $h2) (i64.and
          (i64.or (i64.shr_u (local.get $m0) (i64.const 52)) (i64.shl (local.get $m1) (i64.const 12)))
          (i64.const 0x3ffffff))))
        (local.set $h3 (i64.add (local.get $h3)
          (i64.and (i64.shr_u (local.get $m1) (i64.const 14)) (i64.const 0x3ffffff))))
        (local.set $h4 (i64.add (local.get $h4)
          (i64.or (i64.shr_u (local.get $m1) (i64.const 40)) (local.get $padBit))))
        ;; d = h * r, schoolbook, the wrapped products through s = 5 r.
        (local.set $d0 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r0)) (i64.mul (local.get $h1) (local.get $s4)))
          (i64.mul (local.get $h2) (local.get $s3))) (i64.mul (local.get $h3) (local.get $s2)))
          (i64.mul (local.get $h4) (local.get $s1))))
        (local.set $d1 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r1)) (i64.mul (local.get $h1) (local.get $r0)))
          (i64.mul (local.get $h2) (local.get $s4))) (i64.mul (local.get $h3) (local.get $s3)))
          (i64.mul (local.get $h4) (local.get $s2))))
        (local.set $d2 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r2)) (i64.mul (local.get $h1) (local.get $r1)))
          (i64.mul (local.get $h2) (local.get $r0))) (i64.mul (local.get $h3) (local.get $s4)))
          (i64.mul (local.get $h4) (local.get $s3))))
        (local.set $d3 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r3)) (i64.mul (local.get $h1) (local.get $r2)))
          (i64.mul (local.get $h2) (local.get $r1))) (i64.mul (local.get $h3) (local.get $r0)))
          (i64.mul (local.get $h4) (local.get $s4))))
        (local.set $d4 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r4)) (i64.mul (local.get $h1) (local.get $r3)))
          (i64.mul (local.get $h2) (local.get $r2))) (i64.mul (local.get $h3) (local.get $r1)))
          (i64.mul (local.get $h4) (local.get $r0))))
        ;; Carry: each limb keeps 26 bits and passes the rest up; limb 4's excess wraps to limb 0
        ;; times 5; one more carry from limb 0 into limb 1.
        (local.set $d1 (i64.add (local.get $d1) (i64.shr_u (local.get $d0) (i64.const 26))))
        (local.set $h0 (i64.and (local.get $d0) (i64.const 0x3ffffff)))
        (local.set $d2 (i64.add (local.get $d2) (i64.shr_u (local.get $d1) (i64.const 26))))
        (local.set $h1 (i64.and (local.get $d1) (i64.const 0x3ffffff)))
        (local.set $d3 (i64.add (local.get $d3) (i64.shr_u (local.get $d2) (i64.const 26))))
        (local.set $h2 (i64.and (local.get $d2) (i64.const 0x3ffffff)))
        (local.set $d4 (i64.add (local.get $d4) (i64.shr_u (local.get $d3) (i64.const 26))))
        (local.set $h3 (i64.and (local.get $d3) (i64.const 0x3ffffff)))
        (local.set $h0 (i64.add (local.get $h0)
          (i64.mul (i64.shr_u (local.get $d4) (i64.const 26)) (i64.const 5))))
        (local.set $h4 (i64.and (local.get $d4) (i64.const 0x3ffffff)))
        (local.set $h1 (i64.add (local.get $h1) (i64.shr_u (local.get $h0) (i64.const 26))))
        (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $block)))
    (global.set $h0 (local.get $h0))
    (global.set $h1 (local.get $h1))
    (global.set $h2 (local.get $h2))
    (global.set $h3 (local.get $h3))
    (global.set $h4 (local.get $h4)))

  ;; Poly1305 over $length bytes at $ptr: the full blocks with the 2^128 bit, then a last partial
  ;; block (its bytes, a 1 byte, zeros; no 2^128 bit). Only a message's last call may have a
  ;; partial block. It reads the 16 bytes at the partial block's start (inside this memory) and
  ;; masks off what lies past the end.
  (func $polyUpdate (export "polyUpdate") (param $ptr i32) (param $length i32)
    (local $full i32) (local $rest v128) (local $index v128)
    (local.set $full (i32.and (local.get $length) (i32.const -16)))
    (call $polyBlocks (local.get $ptr) (i32.add (local.get $ptr) (local.get $full)) (i64.const 0x1000000))
    (if (i32.and (local.get $length) (i32.const 15))
      (then
        (local.set $rest (i8x16.splat (i32.and (local.get $length) (i32.const 15))))
        (local.set $index (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
        (v128.store offset=384 (i32.const 0) (v128.or
          (v128.and (v128.load (i32.add (local.get $ptr) (local.get $full)))
            (i8x16.lt_u (local.get $index) (local.get $rest)))
          (v128.and (i8x16.eq (local.get $index) (local.get $rest)) (i8x16.splat (i32.const 1)))))
        (call $polyBlocks (i32.const 384) (i32.const 400) (i64.const 0)))))

  ;; The tag, (h mod 2^130 - 5) + s mod 2^128 (RFC 8439 §2.5.1), to TAG.
  (func $polyFinish (export "polyFinish")
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local $g0 i64) (local $g1 i64) (local $g2 i64) (local $g3 i64) (local $g4 i64)
    (local $mask i64) (local $pass i32) (local $low i64) (local $high i64) (local $sum i64)
    (local.set $h0 (global.get $h0))
    (local.set $h1 (global.get $h1))
    (local.set $h2 (global.get $h2))
    (local.set $h3 (global.get $h3))
    (local.set $h4 (global.get $h4))
    ;; Three passes: carry every limb to 26 bits and fold what reaches 2^130 back times 5. After
    ;; the first h < 2^130 + 2^7, after the second only limb 0 may exceed 26 bits, the third
    ;; carries that through with nothing left to fold: h < 2^130, every limb in range.
    (local.set $pass (i32.const 3))
    (loop $carry
      (local.set $h1 (i64.add (local.get $h1) (i64.shr_u (local.get $h0) (i64.const 26))))
      (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
      (local.set $h2 (i64.add (local.get $h2) (i64.shr_u (local.get $h1) (i64.const 26))))
      (local.set $h1 (i64.and (local.get $h1) (i64.const 0x3ffffff)))
      (local.set $h3 (i64.add (local.get $h3) (i64.shr_u (local.get $h2) (i64.const 26))))
      (local.set $h2 (i64.and (local.get $h2) (i64.const 0x3ffffff)))
      (local.set $h4 (i64.add (local.get $h4) (i64.shr_u (local.get $h3) (i64.const 26))))
      (local.set $h3 (i64.and (local.get $h3) (i64.const 0x3ffffff)))
      (local.set $h0 (i64.add (local.get $h0)
        (i64.mul (i64.shr_u (local.get $h4) (i64.const 26)) (i64.const 5))))
      (local.set $h4 (i64.and (local.get $h4) (i64.const 0x3ffffff)))
      (br_if $carry (local.tee $pass (i32.sub (local.get $pass) (i32.const 1)))))
    ;; h - p = h + 5 - 2^130 is the answer when h + 5 reaches 2^130; chosen by mask, not branch.
    (local.set $g0 (i64.add (local.get $h0) (i64.const 5)))
    (local.set $g1 (i64.add (local.get $h1) (i64.shr_u (local.get $g0) (i64.const 26))))
    (local.set $g0 (i64.and (local.get $g0) (i64.const 0x3ffffff)))
    (local.set $g2 (i64.add (local.get $h2) (i64.shr_u (local.get $g1) (i64.const 26))))
    (local.set $g1 (i64.and (local.get $g1) (i64.const 0x3ffffff)))
    (local.set $g3 (i64.add (local.get $h3) (i64.shr_u (local.get $g2) (i64.const 26))))
    (local.set $g2 (i64.and (local.get $g2) (i64.const 0x3ffffff)))
    (local.set $g4 (i64.add (local.get $h4) (i64.shr_u (local.get $g3) (i64.const 26))))
    (local.set $g3 (i64.and (local.get $g3) (i64.const 0x3ffffff)))
    (local.set $mask (i64.sub (i64.const 0) (i64.shr_u (local.get $g4) (i64.const 26))))
    (local.set $g4 (i64.and (local.get $g4) (i64.const 0x3ffffff)))
    (local.set $h0 (i64.or (i64.and (local.get $g0) (local.get $mask))
      (i64.and (local.get $h0) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h1 (i64.or (i64.and (local.get $g1) (local.get $mask))
      (i64.and (local.get $h1) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h2 (i64.or (i64.and (local.get $g2) (local.get $mask))
      (i64.and (local.get $h2) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h3 (i64.or (i64.and (local.get $g3) (local.get $mask))
      (i64.and (local.get $h3) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h4 (i64.or (i64.and (local.get $g4) (local.get $mask))
      (i64.and (local.get $h4) (i64.xor (local.get $mask) (i64.const -1)))))
    ;; The 128 low bits of h, plus s, mod 2^128.
    (local.set $low (i64.or (i64.or (local.get $h0) (i64.shl (local.get $h1) (i64.const 26)))
      (i64.shl (local.get $h2) (i64.const 52))))
    (local.set $high (i64.or (i64.or (i64.shr_u (local.get $h2) (i64.const 12))
      (i64.shl (local.get $h3) (i64.const 14))) (i64.shl (local.get $h4) (i64.const 40))))
    (local.set $sum (i64.add (local.get $low) (i64.load offset=112 (i32.const 0))))
    (i64.store offset=64 (i32.const 0) (local.get $sum))
    (i64.store offset=72 (i32.const 0) (i64.add (i64.add (local.get $high)
      (i64.load offset=120 (i32.const 0))) (i64.extend_i32_u (i64.lt_u (local.get $sum) (local.get $low))))))

  ;; 1 when TAG equals the tag at BOX, else 0; in constant time (no early exit, no branch).
  (func $verify (result i32)
    (i64.eqz (i64.or
      (i64.xor (i64.load offset=64 (i32.const 0)) (i64.load offset=1008 (i32.const 0)))
      (i64.xor (i64.load offset=72 (i32.const 0)) (i64.load offset=1016 (i32.const 0))))))

  ;; crypto_secretbox of the $length-byte message at DATA: the ciphertext replaces it and the tag
  ;; goes to BOX, so BOX[0, 16 + $length) is the box. $length <= DATA_SIZE.
  (func (export "seal") (param $length i32)
    (call $begin (local.get $length))
    (call $streamXor (i32.const 1024) (local.get $length))
    (call $polyUpdate (i32.const 1024) (local.get $length))
    (call $polyFinish)
    (v128.store offset=1008 (i32.const 0) (v128.load offset=64 (i32.const 0))))

  ;; crypto_secretbox_open of the box at BOX (tag, then $length bytes of ciphertext at DATA):
  ;; 1 and the plaintext at DATA when the tag verifies, 0 and nothing decrypted otherwise.
  (func (export "open") (param $length i32) (result i32)
    (call $begin (local.get $length))
    (call $polyUpdate (i32.const 1024) (local.get $length))
    (call $polyFinish)
    (if (result i32) (call $verify)
      (then (call $streamXor (i32.const 1024) (local.get $length)) (i32.const 1))
      (else (i32.const 0))))

  ;; One chunk of a box too long for DATA (after begin): seal XORs then authenticates the
  ;; ciphertext, open authenticates then XORs.
  (func (export "sealChunk") (param $length i32)
    (call $streamXor (i32.const 1024) (local.get $length))
    (call $polyUpdate (i32.const 1024) (local.get $length)))
  (func (export "openChunk") (param $length i32)
    (call $polyUpdate (i32.const 1024) (local.get $length))
    (call $streamXor (i32.const 1024) (local.get $length)))
  ;; The end of a chunked box: seal writes the tag to BOX; open returns verify's answer.
  (func (export "sealFinish")
    (call $polyFinish)
    (v128.store offset=1008 (i32.const 0) (v128.load offset=64 (i32.const 0))))
  (func (export "openFinish") (result i32)
    (call $polyFinish)
    (call $verify))
)
